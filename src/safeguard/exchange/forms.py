from typing import Any

from django import forms
from django.conf import settings

from safeguard.web.forms import GovukForm


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


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

    def __init__(self, *args: Any, too_large: bool = False, **kwargs: Any):
        self.too_large = too_large
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        super().full_clean()
        if self.too_large:  # the upload stopped at the limit, so the field looks empty
            self.cleaned_data.pop("bundle", None)
            self._errors["bundle"] = self.error_class(
                [f"The file must be smaller than {_megabytes(settings.SAFEGUARD_MAX_UPLOAD_BYTES)}"]
            )
