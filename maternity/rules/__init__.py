"""The domain's rules as plain functions and tables, with no request and few queries: national IDs,
gestation and EDD, code lists, the pregnancy keys, caseload flags, data quality, and the resource types with
who may write each."""
