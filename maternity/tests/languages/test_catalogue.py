"""Every text a person reads is marked for translation and translated into Bokmål: the templates are read by a
linter (template_text.py), and `manage.py translations --check` regenerates the catalogue from the code and
fails on a string missing from it, left untranslated or fuzzy, or a compiled catalogue that is not the .po."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from .template_text import unmarked_text

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_every_template_marks_the_text_a_person_reads_for_translation():
    unmarked = [
        str(found)
        for path in sorted(TEMPLATES.rglob("*.html"))
        for found in unmarked_text(path, str(path.relative_to(settings.BASE_DIR)))
    ]
    assert unmarked == [], f"{len(unmarked)} texts not marked for translation:\n" + "\n".join(unmarked)


def test_the_linter_finds_text_words_in_attributes_and_english_only_filters(tmp_path):
    template = tmp_path / "page.html"
    template.write_text(
        "{% load i18n %}<h1>{% translate 'Caseload' %}</h1>\n"
        "<p>Seen by {{ name }}</p>\n"
        '<img alt="SFH chart" src="x.png"><input type="submit" value="Save">\n'
        "<td>{{ edd|default:'not known' }} {{ n }} visit{{ n|pluralize }}</td>\n"
        "{% blocktranslate trimmed %}Seen by {{ name }}{% endblocktranslate %}\n"
        "{% comment %}A note for developers{% endcomment %}{# and another #}\n"
        "<script>const hidden = 'not text';</script><style>p::after { content: 'x' }</style>\n"
        "<td>{{ weeks }}+{{ days }} &middot; 36+2 · FHIR</td>\n"
    )
    found = [(item.line, item.text) for item in unmarked_text(template, "page.html")]
    assert found == [
        (2, "Seen by"),
        (3, 'alt="SFH chart"'),
        (3, 'value="Save"'),
        (4, "{{ edd|default:'not known' }}: the words in 'not known'; use _(\"...\")"),
        (4, "{{ n|pluralize }}: pluralize is English only; use blocktranslate count"),
        (4, "visit"),
    ]


def test_every_string_in_the_code_is_in_the_bokmal_catalogue_translated_and_compiled(capsys):
    if not shutil.which("xgettext"):
        if os.environ.get("CI"):
            pytest.fail("GNU gettext is missing: .ci/run installs it (apt-get install gettext)")
        pytest.skip("GNU gettext is not installed (apt-get install gettext); CI runs this check")
    call_command("translations", check=True)
    shares = capsys.readouterr().out
    assert "nb: 100.0% translated" in shares


def test_every_model_and_field_name_is_read_in_the_readers_language():
    from django.apps import apps
    from django.utils import translation
    from django.utils.functional import Promise

    from maternity.model_names import APPS

    unmarked = [
        f"{model.__name__}.{field.name}"
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        for field in [*model._meta.local_fields, *model._meta.local_many_to_many]
        if not isinstance(field.verbose_name, Promise)
    ]
    unmarked += [
        model.__name__
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        if not isinstance(model._meta.verbose_name, Promise)
    ]
    assert unmarked == []
    from maternity.models import Mother, Pregnancy

    with translation.override("nb"):
        assert str(Pregnancy._meta.verbose_name) == "svangerskap"
        assert str(Mother._meta.get_field("post_number").verbose_name) == "postnummer"
    assert str(Mother._meta.get_field("post_number").verbose_name) == "post number"


def test_the_check_names_a_text_missing_from_the_catalogue_one_untranslated_and_a_stale_compiled_copy(
    tmp_path,
):
    import polib

    from maternity.management.commands.translations import check_catalogue

    def catalogue(path, entries):
        po = polib.POFile()
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "nb"}
        for msgid, msgstr in entries:
            po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
        po.save(str(path))
        return po

    committed = tmp_path / "django.po"
    catalogue(committed, [("Save", "Lagre"), ("Cancel", "")]).save_as_mofile(str(tmp_path / "django.mo"))
    catalogue(committed, [("Save", "Lagre"), ("Cancel", ""), ("Gone", "Borte")])  # .mo no longer its copy
    regenerated = tmp_path / "fresh.po"
    catalogue(regenerated, [("Save", ""), ("Cancel", ""), ("New text", "")])

    result = check_catalogue(committed, regenerated, "nb")
    assert (result.translated, result.total) == (1, 2)  # "Gone" is no longer in the code: not counted
    assert result.problems == [
        "not in the catalogue: 'New text' (): run `manage.py translations`",
        "untranslated in nb: 'Cancel'",
        f"{tmp_path / 'django.mo'} is not django.po compiled: run `manage.py translations`",
    ]
