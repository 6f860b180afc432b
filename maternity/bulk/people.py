"""Synthetic people: valid Norwegian national IDs (synthetic series, month + 80) that nobody in the
database has yet, spread over birth dates for mothers aged about 18 to 46, and plausible names."""

from collections.abc import Iterator
from datetime import date, timedelta

from maternity.models import Person
from maternity.rules.identifiers import make_norwegian_fnr

FIRST_NAMES = [
    "Ingrid",
    "Kari",
    "Nora",
    "Emma",
    "Sofie",
    "Maja",
    "Ida",
    "Sara",
    "Hanna",
    "Thea",
    "Amalie",
    "Julie",
    "Ella",
    "Frida",
    "Aisha",
    "Fatima",
    "Maria",
    "Anna",
    "Leah",
    "Olivia",
    "Amira",
    "Zara",
    "Yasmin",
    "Laila",
    "Noor",
    "Elin",
    "Marte",
    "Silje",
    "Hilde",
    "Tone",
    "Grace",
    "Chloe",
    "Ruby",
    "Isla",
    "Amelia",
]
LAST_NAMES = [
    "Hansen",
    "Johansen",
    "Olsen",
    "Larsen",
    "Andersen",
    "Pedersen",
    "Nilsen",
    "Kristiansen",
    "Jensen",
    "Karlsen",
    "Berg",
    "Haugen",
    "Hagen",
    "Ali",
    "Ahmed",
    "Khan",
    "Nguyen",
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Evans",
    "Thomas",
    "Roberts",
    "Walker",
    "Patel",
]
STREETS = [
    "Storgata",
    "Kirkeveien",
    "Parkveien",
    "Skolegata",
    "Sjøgata",
    "Elvegata",
    "Bakkeveien",
    "Solveien",
    "Fjordgata",
]
TOWNS = (
    ("0150", "Oslo"),
    ("5003", "Bergen"),
    ("7010", "Trondheim"),
    ("4006", "Stavanger"),
    ("9008", "Tromsø"),
)

FIRST_BIRTH_DATE = date(1980, 1, 1)
BIRTH_DAYS = 26 * 365  # mothers born 1980 to 2005


def free_national_ids(count: int) -> Iterator[tuple[str, date]]:
    """`count` (national ID, date of birth) pairs, none of them already a Person's."""
    taken = set(Person.objects.values_list("identifier_value", flat=True).iterator(chunk_size=50_000))
    found = 0
    for individual in _individual_numbers():
        for day in range(BIRTH_DAYS):
            born = FIRST_BIRTH_DATE + timedelta(days=day)
            if not _fits(individual, born.year):
                continue
            try:
                nin = make_norwegian_fnr(born, individual, synthetic=True)
            except ValueError:
                continue
            if nin in taken:
                continue
            yield nin, born
            found += 1
            if found == count:
                return
    raise RuntimeError(f"ran out of synthetic national IDs after {found}")


def _individual_numbers() -> Iterator[int]:
    """0, 500, 1, 501, ...: alternately a number for the 1900s and one for the 2000s, so ages spread."""
    for n in range(500):
        yield n
        yield 500 + n


def _fits(individual: int, year: int) -> bool:
    """Norwegian individual numbers: 000-499 for 1900-1999, 500-999 for 2000-2039, 900-999 for 1940-99."""
    if year >= 2000:
        return individual >= 500
    return individual < 500 or individual >= 900
