"""Employers: institution accounts in the admin and API keys for their systems (accounts)."""
