"""Benchmarks: synthetic authorities at three sizes, on SQLite and PostgreSQL (`make bench`)."""
