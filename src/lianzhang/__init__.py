"""Lianzhang: the Django project (system of record, UI, API) on top of chainkit."""
