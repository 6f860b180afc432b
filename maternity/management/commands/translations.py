"""The catalogue of the pages' texts in Bokmål: `manage.py translations` brings it up to date with the code,
`--check` says what is missing without changing anything (a test runs it, so CI fails on it).

- `manage.py translations` runs makemessages for every language but English, the language the code is written
  in, and compiles the catalogues. Translate the empty entries in
  locale/<language>/LC_MESSAGES/django.po, clear any `fuzzy` flag, and run it again.
- The models' and fields' names are made at run time (maternity/model_names.py): it lists them first in
  config/model_names.py, where makemessages finds them.
- `manage.py translations --check` regenerates the catalogue in a scratch folder and fails on a string in the
  code that the committed catalogue lacks, an entry left untranslated or fuzzy, or a compiled .mo that is
  not the .po. It prints the share of strings translated per language.

The folders searched are the project's own: not the tests, the load tools, the cluster tools or the
virtualenv.
"""

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.commands.makemessages import Command as MakeMessages
from django.test.utils import override_settings

from maternity import model_names

IGNORED = [".venv", "node_modules", "staticfiles", "*/tests/*", "loadtools", "dbcluster", "tools", "docs"]
SOURCE_LANGUAGE = "en"


@dataclass
class Catalogue:
    language: str
    total: int = 0
    translated: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def share(self) -> float:
        return self.translated / self.total if self.total else 1.0


def catalogue_languages() -> list[str]:
    return [code for code, _ in settings.LANGUAGES if code != SOURCE_LANGUAGE]


def po_path(locale_dir: Path, language: str) -> Path:
    return locale_dir / language / "LC_MESSAGES" / "django.po"


@contextlib.contextmanager
def in_project_root() -> Iterator[None]:
    before = Path.cwd()
    os.chdir(settings.BASE_DIR)
    try:
        yield
    finally:
        os.chdir(before)


class ExactMessages(MakeMessages):
    """makemessages without msgmerge's guesses: a new text starts empty, not as a fuzzy copy of a similar
    one's translation (which had "Sign in" pre-filled as "Logg ut")."""

    msgmerge_options = [*MakeMessages.msgmerge_options, "--no-fuzzy-matching"]

    def find_files(self, root: str) -> list:
        # One catalogue for the whole project, LOCALE_PATHS[0]: makemessages would otherwise write the texts
        # of every file under a folder holding a `locale` folder into that one, which for --check is not the
        # scratch copy but the project's own catalogue.
        files = super().find_files(root)
        for found in files:
            found.locale_dir = self.default_locale_path
        return files


def make_messages(locale_dir: Path, languages: list[str]) -> None:
    with in_project_root(), override_settings(LOCALE_PATHS=[locale_dir]):
        call_command(
            ExactMessages(),
            locale=languages,
            ignore_patterns=IGNORED,
            no_obsolete=True,
            add_location="file",
            verbosity=0,
        )


def check_catalogue(committed: Path, regenerated: Path, language: str) -> Catalogue:
    import polib  # a development tool: requirements-dev.txt

    result = Catalogue(language)
    if not committed.exists():
        result.problems.append(f"{committed} is missing: run `manage.py translations`")
        return result
    ours = polib.pofile(str(committed))
    fresh = polib.pofile(str(regenerated))
    keys = {(e.msgctxt, e.msgid) for e in ours}
    for entry in fresh:
        if (entry.msgctxt, entry.msgid) not in keys:
            where = ", ".join(path for path, _ in entry.occurrences)
            result.problems.append(
                f"not in the catalogue: {entry.msgid!r} ({where}): run `manage.py translations`"
            )
    wanted = {(e.msgctxt, e.msgid) for e in fresh}
    for entry in ours:
        if (entry.msgctxt, entry.msgid) not in wanted:
            continue  # no longer in the code; `manage.py translations` drops it
        result.total += 1
        if entry.fuzzy:
            result.problems.append(f"fuzzy in {language}: {entry.msgid!r}")
        elif not entry.translated():
            result.problems.append(f"untranslated in {language}: {entry.msgid!r}")
        else:
            result.translated += 1
    compiled = committed.with_suffix(".mo")
    if not compiled.exists():
        result.problems.append(f"{compiled} is missing: run `manage.py translations`")
    else:
        in_po = {
            (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in ours.translated_entries()
        }
        mo = polib.mofile(str(compiled))
        in_mo = {
            (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo if e.msgid
        }
        if in_po != in_mo:
            result.problems.append(
                f"{compiled} is not {committed.name} compiled: run `manage.py translations`"
            )
    return result


def _key(entry) -> tuple[str | None, str]:
    return entry.msgctxt, entry.msgid


def _translation(entry) -> tuple[str, tuple[tuple[int, str], ...]]:
    return entry.msgstr, tuple(sorted((int(n), text) for n, text in entry.msgstr_plural.items()))


class Command(BaseCommand):
    help = (
        "Bring the translation catalogues up to date with the code (or, with --check, say what is missing)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="change nothing; fail on anything missing")

    def handle(self, *args, check: bool = False, **options) -> None:
        locale_dir = Path(settings.LOCALE_PATHS[0])
        languages = catalogue_languages()
        names_file = Path(settings.BASE_DIR) / model_names.LIST_FILE
        names_stale = not names_file.exists() or names_file.read_text() != model_names.list_file_text()
        if not check:
            if names_stale:
                names_file.write_text(model_names.list_file_text())
            make_messages(locale_dir, languages)
            with in_project_root():
                call_command("compilemessages", locale=languages, ignore_patterns=IGNORED, verbosity=0)
            self.stdout.write(f"Updated and compiled {', '.join(languages)} in {locale_dir}.")
            return
        with tempfile.TemporaryDirectory() as scratch:
            scratch_dir = Path(scratch)
            for language in languages:
                if po_path(locale_dir, language).exists():
                    po_path(scratch_dir, language).parent.mkdir(parents=True)
                    shutil.copy(po_path(locale_dir, language), po_path(scratch_dir, language))
            make_messages(scratch_dir, languages)
            catalogues = [
                check_catalogue(po_path(locale_dir, lang), po_path(scratch_dir, lang), lang)
                for lang in languages
            ]
        self.stdout.write(f"{SOURCE_LANGUAGE}: 100% (the language the code is written in)")
        for catalogue in catalogues:
            counts = f"{catalogue.translated} of {catalogue.total}"
            self.stdout.write(f"{catalogue.language}: {catalogue.share:.1%} translated ({counts})")
        problems = [problem for catalogue in catalogues for problem in catalogue.problems]
        if names_stale:
            problems.insert(
                0, f"{model_names.LIST_FILE} is not the models' names: run `manage.py translations`"
            )
        if problems:
            raise CommandError(f"{len(problems)} translation problems:\n" + "\n".join(problems))
