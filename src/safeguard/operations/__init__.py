"""Running Safeguard: backups and their restore (docs/operations.md, docs/decisions/0007)."""
