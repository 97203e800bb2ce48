from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac


class Role(models.TextChoices):
    CHAIR = "chair", "Chair"
    BUSINESS_SUPPORT = "business_support", "Business support"
    MANAGER = "manager", "Service manager"
    ANALYST = "analyst", "Analyst"
    LIAISON_OFFICER = "liaison_officer", "Senior Liaison Officer"
    AUDITOR = "auditor", "Auditor"


class User(AbstractUser):
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.CHAIR)
    # Raised by "sign out everywhere" and by a 2FA reset. It is part of the session
    # verification hash, so raising it ends every session the user has, on every device.
    session_epoch = models.PositiveIntegerField(default=0)
    # Where a chair or business support may open children's records (managers see every
    # area). An account with neither areas nor `all_areas` sees no child until a manager sets
    # them; a child outside them opens only with a recorded reason (`BreakGlass`).
    areas = models.ManyToManyField("cases.Area", blank=True, related_name="+")
    all_areas = models.BooleanField(
        default=False, help_text="Every area, including children with no area recorded."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="user_role_known"
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def _session_hash(self, secret: str | None) -> str:
        return salted_hmac(
            "safeguard.accounts.User.session_hash",
            f"{self.password}:{self.session_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_session_auth_hash(self) -> str:
        return self._session_hash(None)

    def get_session_auth_fallback_hash(self):
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(fallback_secret)


class LiaisonCover(models.Model):
    """What a Senior Liaison Officer may see: the escalations about the organisation types they
    cover, in the areas they cover. Nothing else; never a child's name."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="liaison_cover")
    organisation_types = models.ManyToManyField(
        "escalations.OrganisationType", blank=True, related_name="+"
    )
    areas = models.ManyToManyField("cases.Area", blank=True, related_name="+")
    all_areas = models.BooleanField(
        default=False, help_text="Covers every area, including escalations with no area."
    )

    def __str__(self) -> str:
        return f"Cover of {self.user}"


class BreakGlass(models.Model):
    """A chair's or business support's recorded reason to open one child outside their areas.
    It lets them see that child, and its plans, conferences and meetings, until `expires_at`;
    the audit trail holds the same reason (safeguard.cases.services.break_glass_open)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey("cases.Child", on_delete=models.CASCADE, related_name="+")
    reason = models.TextField()
    opened_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["user", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} opened {self.child} until {self.expires_at:%Y-%m-%d %H:%M}"
