from django.db import models


class DemoLoad(models.Model):
    """The marker `safeguard demo` writes: this database was populated by the demo.

    The demo loads only into a database with no record in it, or one holding this marker."""

    loaded_at = models.DateTimeField()
    seed = models.IntegerField()

    class Meta:
        db_table = "safeguard_demo_load"
        ordering = ["loaded_at"]

    def __str__(self) -> str:
        return f"Demo loaded {self.loaded_at:%Y-%m-%d %H:%M} (seed {self.seed})"
