"""A linter for the templates: the text a person reads that is not marked for translation.

It reads a template as Django's own lexer does, keeps the plain text outside `{% blocktranslate %}`,
`{% comment %}`, `<script>` and `<style>`, and reports every run of words in it, and every word in the
attributes a person reads or hears (alt, title, placeholder, aria-label, aria-description,
aria-roledescription, value of a button-like input). Template variables and tags count as nothing:
`{{ name }}` is someone's data, `{% translate "..." %}` is marked. Words the same in every language (names
and abbreviations such as FHIR) are listed in `NOT_WORDS`.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description", "aria-roledescription"}
WORD = re.compile(r"[^\W\d_]{2,}")  # two letters or more: "kg", "Save"; not "+", "·", "36+2" or "x"
ENTITY = re.compile(r"&[a-zA-Z]+;|&#\d+;")
NOT_WORDS = {"NHN", "HPR", "FHIR", "JSON", "CSV", "PDF", "API", "ID"}  # names, the same in both languages
PLACEHOLDER = " "  # a tag or variable: nothing to read, and harmless inside an HTML tag too
LITERAL_ARGUMENT = re.compile(r"\|\s*(?:default|default_if_none|yesno)\s*:\s*(?:\"([^\"]*)\"|'([^']*)')")
CODE_BLOCKS = {
    "bodyclass",
    "extrastyle",
    "extrahead",
    "extrajs",
    "coltype",
    "confirmation",
}  # class names and code, not words


@dataclass(frozen=True)
class Unmarked:
    template: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.template}:{self.line}: {self.text!r}"


def words_in(text: str) -> bool:
    text = ENTITY.sub(" ", text)
    return any(word not in NOT_WORDS for word in WORD.findall(text))


class _Reader(HTMLParser):
    def __init__(self, name: str, lines: list[int]) -> None:
        super().__init__(convert_charrefs=False)
        self.name, self.lines, self.found, self.skipping = name, lines, [], 0

    def _line(self) -> int:
        line, _ = self.getpos()
        return self.lines[min(line - 1, len(self.lines) - 1)]

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        if tag in ("script", "style"):
            self.skipping += 1
        read = set(READ_ATTRIBUTES)
        if tag == "input" and dict(attrs).get("type") in ("submit", "button", "reset"):
            read.add("value")
        for attribute, value in attrs:
            if attribute in read and value and words_in(value):
                self.found.append(Unmarked(self.name, self._line(), f'{attribute}="{value.strip()}"'))

    def handle_startendtag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self.skipping -= 1

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag in ("script", "style"):
            self.skipping = max(0, self.skipping - 1)

    def handle_data(self, data):  # type: ignore[no-untyped-def]
        if not self.skipping and words_in(data):
            self.found.append(Unmarked(self.name, self._line(), " ".join(data.split())))


def unmarked_text(path: Path, name: str) -> list[Unmarked]:
    """The text in one template that a person reads and that is not marked for translation."""
    source = path.read_text(encoding="utf-8")
    found: list[Unmarked] = []
    kept: list[str] = []
    lines = [1]  # for each line of the kept text, the template's line it starts on
    open_blocks: list[tuple[str, bool]] = []  # each open block tag, and whether its text is not ours to check
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            bits = token.contents.split()
            command = bits[0] if bits else ""
            if command in ("blocktranslate", "blocktrans", "comment", "verbatim"):
                open_blocks.append((command, True))
            elif command == "block":
                open_blocks.append(("block", len(bits) > 1 and bits[1] in CODE_BLOCKS))
            elif command.startswith("end") and open_blocks:
                opened = "block" if command == "endblock" else command[3:]
                for index in range(len(open_blocks) - 1, -1, -1):
                    if open_blocks[index][0] == opened:
                        del open_blocks[index:]
                        break
            text = PLACEHOLDER
        elif token.token_type == TokenType.VAR:
            if not any(skip for _, skip in open_blocks):
                found.extend(
                    Unmarked(name, token.lineno, problem) for problem in english_in_filters(token.contents)
                )
            text = PLACEHOLDER
        elif token.token_type == TokenType.COMMENT:
            text = ""
        else:
            text = PLACEHOLDER if any(skip for _, skip in open_blocks) else token.contents
        kept.append(text)
        lines.extend(token.lineno + newline + 1 for newline in range(text.count("\n")))
    reader = _Reader(name, lines)
    reader.feed("".join(kept))
    reader.close()
    return sorted(found + reader.found, key=lambda unmarked: unmarked.line)


def english_in_filters(expression: str) -> list[str]:
    """`|pluralize` makes English plurals only; `|default:"not known"` and `|yesno:"yes,no"` carry words."""
    problems = []
    if re.search(r"\|\s*pluralize\b", expression):
        problems.append(f"{{{{ {expression} }}}}: pluralize is English only; use blocktranslate count")
    for double_quoted, single_quoted in LITERAL_ARGUMENT.findall(expression):
        literal = double_quoted or single_quoted
        if words_in(literal) and not literal.startswith(("/", "#", "http:", "https:")):  # a URL is no words
            problems.append(f'{{{{ {expression} }}}}: the words in {literal!r}; use _("...")')
    return problems
