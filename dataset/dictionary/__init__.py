"""The data dictionary: what every resource type and field of the record is, generated from the code so it
cannot disagree with it (issue 24). `walk` reads the wire shape from the serializers and models,
`descriptions` holds the hand-written words and units, `build` puts them together per language, `export`
writes the JSON and CSV downloads, `search` filters a page, and `tie` says where the words and the code
disagree (a test fails on it)."""

from .build import Dictionary, FieldEntry, ResourceEntry, dictionary

__all__ = ["Dictionary", "FieldEntry", "ResourceEntry", "dictionary"]
