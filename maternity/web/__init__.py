"""The professional UI: the pages midwives and doctors use in a browser (server-rendered).

`acting.py` says who is at the keyboard and for which Care Location; `audit.py` writes one audit entry
per page view or action; `views/` holds the pages, one module per part of the work."""
