"""How the record is put into words for people, shared by the midwives' pages and the portal: each section's
fields and labels (`specs`), and merging a version conflict field by field (`conflicts`)."""
