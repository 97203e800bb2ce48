from typing import Any

from django import forms

from safeguard.web.forms import GovukForm


class SsdUploadForm(GovukForm):
    bundle = forms.FileField(
        label="Upload the SSD extract",
        help_text="A .zip file of the Standard Safeguarding Dataset's CSV files "
        "(ssd_person.csv, ssd_cp_plans.csv, ssd_initial_cp_conference.csv, …).",
        error_messages={
            "required": "Select the SSD extract (.zip file)",
            "empty": "The selected file is empty",
        },
        widget=forms.FileInput(attrs={"accept": ".zip,application/zip"}),
    )

    def __init__(self, *args: Any, upload_problem: str | None = None, **kwargs: Any):
        self.upload_problem = upload_problem
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        super().full_clean()
        if self.upload_problem:  # the upload was refused as it arrived, and nothing was kept
            self.cleaned_data.pop("bundle", None)
            self.errors["bundle"] = self.error_class([self.upload_problem])
