"""The data version: a value that changes, in the same transaction, with every write to the
records (children, plans, conferences, checks, escalations, census details, the rule set), so
that what is built from the records (the report) can be kept until it changes.

Write paths bump it: the ORM through signals (signals.py), and the bulk paths that send none
(storage.rows_insert, rows_update and versioned_save, the bundle importer, a restore) by calling
`data_version_bump()` themselves. See docs/decisions/0008-report-cache.md."""
