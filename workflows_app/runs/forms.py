"""Forms of the execution pages: the `/executions/` filters and the retry choice."""

from django import forms

from workflows_app.core.forms import DayField
from workflows_app.words.states import RUN_STATE_CHOICES


class ExecutionFilterForm(forms.Form):
    """The filter form is the query: states and a range of start days, all in the URL."""

    state = forms.MultipleChoiceField(
        label="State",
        choices=RUN_STATE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    since = DayField(
        label="Started on or after", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = DayField(
        label="Started on or before", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The end date must be on or after the start date")
        return data

    def query(self) -> dict:
        """Arguments for `execution_index.recent_executions` (empty when invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"states": data["state"], "since": data["since"], "until": data["until"]}


class RetryForm(forms.Form):
    """Retry one failed task (by name), or every failed task when no name is given."""

    task_name = forms.CharField(required=False, max_length=255)
