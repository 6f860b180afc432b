"""Forms of the professional UI, one module per part of the work."""
