"""Reads that carry a rule: who may see which record (`access`), what a caller may learn of a patient
(`selectors`), the stored record document, the event feed, the caseload, the record as pages show it, and
the reports."""
