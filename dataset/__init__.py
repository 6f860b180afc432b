"""The data set: its dictionary (what every resource and field of the record is, generated from the code),
its versions and changelog, and the change proposals through which users shape the next version (issue 24).

It sits above the record API (spine) and the domain (maternity): it reads their resource types, serializers
and FHIR mapping, and nothing below imports it (pyproject.toml, import-linter).
"""
