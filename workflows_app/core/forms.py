from django import forms


class SignInForm(forms.Form):
    api_key = forms.CharField(
        label="Your Civis API key",
        help_text="Make one in the platform under your name, then API keys.",
        strip=True,
        max_length=512,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter an API key"},
    )


class AuditFilterForm(forms.Form):
    """The audit log's filters; they live in the query string."""

    person = forms.CharField(required=False, label="Person")
    action = forms.ChoiceField(required=False, label="What they did", choices=())
    workflow = forms.CharField(required=False, label="Workflow ID")
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        from workflows_app.audit.record import ACTION_WORDS

        super().__init__(*args, **kwargs)
        words = sorted({(w, a) for a, w in ACTION_WORDS.items() if a not in ("put", "patch")})
        self.fields["action"].choices = (
            [("", "Anything")] + [(a, w) for w, a in words] + [("put,patch", "Changed a workflow")]
        )

    def filter(self, entries):
        data = self.cleaned_data
        if data.get("person"):
            entries = entries.filter(actor_name__icontains=data["person"])
        if data.get("action"):
            entries = entries.filter(action__in=data["action"].split(","))
        if data.get("workflow"):
            entries = entries.filter(object_type="workflow", object_id=data["workflow"].strip())
        if data.get("date_from"):
            entries = entries.filter(at__date__gte=data["date_from"])
        if data.get("date_to"):
            entries = entries.filter(at__date__lte=data["date_to"])
        return entries
