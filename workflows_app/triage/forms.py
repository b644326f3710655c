"""Forms of triage: acknowledging an episode, and how a person watches a workflow."""

from django import forms

from workflows_app.models import Watch


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="Note for others",
        max_length=500,
        help_text='Say why it can wait, for example "expected, the vendor file is late".',
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class WatchForm(forms.Form):
    mode = forms.ChoiceField(label="Tell me about", choices=Watch.Mode.choices)
