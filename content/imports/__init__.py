"""Job postings from outside: files (`manage.py import_jobs`), employers' feeds and API batches.

reading: rows read, mapped and validated; bulk: written in chunks (bulk_pages, bulk_search);
feeds: fetched and imported on a schedule (feed_admin: their admin); models: what imports remember.
"""
