from tests.factories import signed_in_client  # noqa: F401 (a fixture)
