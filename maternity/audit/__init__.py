"""The audit trail as requests write it: one entry per request that touches a record, whether a page of
the midwives' app, the portal, the admin or a call of the APIs, written by one middleware when the
response is final. `note.py` is what the code tells it; `middleware.py` writes it."""
