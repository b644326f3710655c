"""Forms of the notification centre: the inbox filter and how a person is emailed."""

import zoneinfo

from django import forms

from workflows_app.models import Notification, NotificationSettings


class InboxFilterForm(forms.Form):
    reason = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "Everything"), *Notification.Reason.choices],
    )


class MarkReadForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        mine = Notification.objects.filter(user=user).values_list("id", flat=True)
        self.fields["ids"].choices = [(str(i), str(i)) for i in mine]


class EmailSettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = ["email", "digest_time", "time_zone"]
        labels = {
            "email": "Email me",
            "digest_time": "Send the daily digest at",
            "time_zone": "In the time zone",
        }
        help_texts = {
            "digest_time": "Used only with the daily digest, for example 08:00.",
            "time_zone": "A name such as Europe/London or America/Chicago.",
        }
        widgets = {
            "email": forms.RadioSelect,
            "digest_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean_time_zone(self) -> str:
        zone = (self.cleaned_data.get("time_zone") or "").strip()
        if zone not in zoneinfo.available_timezones():
            raise forms.ValidationError("We don't know that time zone. Try Europe/London.")
        return zone
