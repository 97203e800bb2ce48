from django.db import models


class DataVersion(models.Model):
    """One slot of the data version: the version is every slot's token, in order.

    A write transaction changes one slot's token. On PostgreSQL it takes a slot that no other
    transaction holds (SKIP LOCKED), adding one when all are held, so writers never wait for each
    other here; `changed_in` (the transaction id) lets later writes in the same transaction skip
    the update. SQLite has one writer at a time and uses the first slot."""

    token = models.CharField(max_length=32)
    changed_in = models.BigIntegerField(null=True, blank=True)

    class Meta:
        db_table = "safeguard_data_version"

    def __str__(self) -> str:
        return f"{self.pk}: {self.token}"
