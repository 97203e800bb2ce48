"""The emails Safeguard sends, and the record of them (docs/notifications.md): the Senior Liaison
Officers' quarterly digests of escalations, the alerts after a chair's check with concerns, and
the chairs' daily reminders of what falls due."""
