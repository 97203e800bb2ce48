from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    CHAIR = "chair", "Chair"
    BUSINESS_SUPPORT = "business_support", "Business support"
    MANAGER = "manager", "Service manager"
    ANALYST = "analyst", "Analyst"
    LIAISON_OFFICER = "liaison_officer", "Senior Liaison Officer"
    AUDITOR = "auditor", "Auditor"


class User(AbstractUser):
    role = models.CharField(max_length=32, choices=Role.choices, default=Role.CHAIR)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="user_role_known"
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username
