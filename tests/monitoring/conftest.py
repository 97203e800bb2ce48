from tests.factories import signed_in_client  # noqa: F401 (a fixture)
from tests.notifications.outbox import smtp_server  # noqa: F401 (a fixture)
