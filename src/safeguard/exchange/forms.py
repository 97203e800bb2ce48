from typing import Any

from django import forms

from safeguard.web.forms import GovukForm


class ImportForm(GovukForm):
    bundle = forms.FileField(
        label="Upload a bundle",
        help_text="A .zip file of the exchange format's CSV files (children.csv, cp_plans.csv, …).",
        error_messages={
            "required": "Select a bundle (.zip file)",
            "empty": "The selected file is empty",
        },
        widget=forms.FileInput(attrs={"accept": ".zip,application/zip"}),
    )
    replace = forms.BooleanField(
        label="Remove the records that the bundle does not hold",
        help_text="Tick this when the bundle is a complete extract: afterwards Safeguard holds "
        "exactly what the bundle holds.",
        required=False,
    )

    def __init__(self, *args: Any, upload_problem: str | None = None, **kwargs: Any):
        self.upload_problem = upload_problem
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        super().full_clean()
        if self.upload_problem:  # the upload was refused as it arrived, and nothing was kept
            self.cleaned_data.pop("bundle", None)
            self.errors["bundle"] = self.error_class([self.upload_problem])
