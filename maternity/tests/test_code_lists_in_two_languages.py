"""Every code list carries both displays of each code, in one place (maternity/rules/codes.py): Volven's
Norwegian one, which the API sends as NHN does, and an English one. Pages show the one of their language,
so an English page no longer shows "Ikke undersøkt"."""

import pytest
from django.utils import translation

from maternity.rules import codes

CODE_LISTS = [value for value in vars(codes).values() if isinstance(value, codes.CodeSystem)]


@pytest.mark.parametrize("code_list", CODE_LISTS, ids=lambda code_list: code_list.name)
def test_every_code_has_a_norwegian_and_an_english_display(code_list):
    for code, (norwegian, english) in code_list.entries.items():
        assert norwegian.strip() and english.strip(), code
    assert code_list.codes == {code: norwegian for code, (norwegian, _) in code_list.entries.items()}


def test_a_page_in_english_shows_the_english_display_and_in_norwegian_the_norwegian():
    with translation.override("en"):
        assert codes.FETAL_PRESENTATION.shown("9") == "Not examined"
        assert codes.LANGUAGE.choices()[0] == ("AR", "Arabic")
    with translation.override("nb"):
        assert codes.FETAL_PRESENTATION.shown("9") == "Ikke undersøkt"
        assert codes.LANGUAGE.choices()[0] == ("AR", "Arabisk")


def test_the_api_keeps_volvens_norwegian_display_whatever_the_language():
    with translation.override("en"):
        assert codes.FETAL_PRESENTATION.display("9") == "Ikke undersøkt"


def test_an_unknown_code_is_shown_as_the_caller_asks():
    assert codes.COUNTRY.shown("ZZZ", "unknown code ZZZ") == "unknown code ZZZ"
