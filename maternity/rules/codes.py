"""Coded values (Volven code systems used by the NHN record). On writes only `code` is needed; the
server fills in `display` and `codeSystem`. Unknown codes are refused (DHG-0016).

These are the subsets in use in this project: countries as ISO 3166-1 alpha-3 and languages as ISO 639-1,
which is how the Volven lists 9043 and 3303 code them. Extend a list here when a new code is needed.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class CodeSystem:
    name: str  # e.g. "VOLVEN_9043"
    title: str
    codes: dict[str, str]  # code -> display

    def display(self, code: str) -> str:
        return self.codes[code]


COUNTRY = CodeSystem(
    "VOLVEN_9043",
    "Country",
    {
        "NOR": "Norge",
        "SWE": "Sverige",
        "DNK": "Danmark",
        "FIN": "Finland",
        "ISL": "Island",
        "GBR": "Storbritannia",
        "IRL": "Irland",
        "DEU": "Tyskland",
        "POL": "Polen",
        "LTU": "Litauen",
        "LVA": "Latvia",
        "EST": "Estland",
        "NLD": "Nederland",
        "FRA": "Frankrike",
        "ESP": "Spania",
        "PRT": "Portugal",
        "ITA": "Italia",
        "ROU": "Romania",
        "BGR": "Bulgaria",
        "UKR": "Ukraina",
        "RUS": "Russland",
        "TUR": "Tyrkia",
        "SYR": "Syria",
        "IRQ": "Irak",
        "IRN": "Iran",
        "AFG": "Afghanistan",
        "PAK": "Pakistan",
        "IND": "India",
        "LKA": "Sri Lanka",
        "CHN": "Kina",
        "VNM": "Vietnam",
        "THA": "Thailand",
        "PHL": "Filippinene",
        "SOM": "Somalia",
        "ERI": "Eritrea",
        "ETH": "Etiopia",
        "NGA": "Nigeria",
        "USA": "USA",
        "BRA": "Brasil",
        "NZL": "New Zealand",
        "AUS": "Australia",
        "XXX": "Ukjent",
    },
)

LANGUAGE = CodeSystem(
    "VOLVEN_3303",
    "Language",
    {
        "NO": "Norsk",
        "NB": "Norsk bokmål",
        "NN": "Norsk nynorsk",
        "SE": "Nordsamisk",
        "SV": "Svensk",
        "DA": "Dansk",
        "EN": "Engelsk",
        "DE": "Tysk",
        "PL": "Polsk",
        "LT": "Litauisk",
        "AR": "Arabisk",
        "SO": "Somali",
        "TI": "Tigrinja",
        "FA": "Persisk",
        "PS": "Pashto",
        "UR": "Urdu",
        "TR": "Tyrkisk",
        "UK": "Ukrainsk",
        "RU": "Russisk",
        "ES": "Spansk",
        "FR": "Fransk",
        "TH": "Thai",
        "VI": "Vietnamesisk",
        "TL": "Tagalog",
        "TA": "Tamil",
        "ZH": "Kinesisk",
        "CY": "Walisisk",
        "MI": "Maori",
    },
)

FETAL_PRESENTATION = CodeSystem(
    "VOLVEN_8534",
    "Fetal presentation and lie",
    {
        "1": "Hodeleie",
        "2": "Seteleie",
        "3": "Tverrleie",
        "4": "Skråleie",
        "5": "Ustabilt leie",
        "9": "Ikke undersøkt",
    },
)

STIMULANT_TYPE = CodeSystem(
    "VOLVEN_8536",
    "Stimulant",
    {"1": "Tobakk (røyk)", "2": "Snus", "3": "Alkohol", "4": "E-sigarett", "5": "Andre rusmidler"},
)

STIMULANT_FREQUENCY = CodeSystem(
    "VOLVEN_8537",
    "Stimulant use frequency",
    {"1": "Aldri", "2": "Sjelden", "3": "Av og til", "4": "Daglig", "5": "Sluttet"},
)
