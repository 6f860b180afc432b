"""Coded values (Volven code systems used by the NHN record). On writes only `code` is needed; the
server fills in `display` and `codeSystem`. Unknown codes are refused (DHG-0016).

These are the subsets in use in this project: countries as ISO 3166-1 alpha-3 and languages as ISO 639-1,
which is how the Volven lists 9043 and 3303 code them. Extend a list here when a new code is needed.
"""

from dataclasses import dataclass, field

from django.utils import translation

NORWEGIAN = ("nb", "nn", "no")


@dataclass(frozen=True)
class CodeSystem:
    """One code list, with both displays of each code: Volven's Norwegian one (what the API sends, as NHN
    does) and an English one. Pages show the one of their language (`shown`, `choices`)."""

    name: str  # e.g. "VOLVEN_9043"
    title: str
    entries: dict[str, tuple[str, str]]  # code -> (Norwegian display, English display)
    codes: dict[str, str] = field(init=False)  # code -> Norwegian display: the API's

    def __post_init__(self):
        object.__setattr__(self, "codes", {code: nb for code, (nb, _) in self.entries.items()})

    def display(self, code: str) -> str:
        """The Norwegian display, as the API sends it."""
        return self.codes[code]

    def shown(self, code: str, default: str = "") -> str:
        """The display in the page's language (the active translation); `default` for an unknown code."""
        entry = self.entries.get(code)
        if entry is None:
            return default
        return entry[0] if _norwegian() else entry[1]

    def choices(self) -> list[tuple[str, str]]:
        """(code, display in the page's language), by display."""
        return sorted(((code, self.shown(code)) for code in self.entries), key=lambda choice: choice[1])


def _norwegian() -> bool:
    return (translation.get_language() or "").split("-")[0] in NORWEGIAN


COUNTRY = CodeSystem(
    "VOLVEN_9043",
    "Country",
    {
        "NOR": ("Norge", "Norway"),
        "SWE": ("Sverige", "Sweden"),
        "DNK": ("Danmark", "Denmark"),
        "FIN": ("Finland", "Finland"),
        "ISL": ("Island", "Iceland"),
        "GBR": ("Storbritannia", "United Kingdom"),
        "IRL": ("Irland", "Ireland"),
        "DEU": ("Tyskland", "Germany"),
        "POL": ("Polen", "Poland"),
        "LTU": ("Litauen", "Lithuania"),
        "LVA": ("Latvia", "Latvia"),
        "EST": ("Estland", "Estonia"),
        "NLD": ("Nederland", "Netherlands"),
        "FRA": ("Frankrike", "France"),
        "ESP": ("Spania", "Spain"),
        "PRT": ("Portugal", "Portugal"),
        "ITA": ("Italia", "Italy"),
        "ROU": ("Romania", "Romania"),
        "BGR": ("Bulgaria", "Bulgaria"),
        "UKR": ("Ukraina", "Ukraine"),
        "RUS": ("Russland", "Russia"),
        "TUR": ("Tyrkia", "Turkey"),
        "SYR": ("Syria", "Syria"),
        "IRQ": ("Irak", "Iraq"),
        "IRN": ("Iran", "Iran"),
        "AFG": ("Afghanistan", "Afghanistan"),
        "PAK": ("Pakistan", "Pakistan"),
        "IND": ("India", "India"),
        "LKA": ("Sri Lanka", "Sri Lanka"),
        "CHN": ("Kina", "China"),
        "VNM": ("Vietnam", "Vietnam"),
        "THA": ("Thailand", "Thailand"),
        "PHL": ("Filippinene", "Philippines"),
        "SOM": ("Somalia", "Somalia"),
        "ERI": ("Eritrea", "Eritrea"),
        "ETH": ("Etiopia", "Ethiopia"),
        "NGA": ("Nigeria", "Nigeria"),
        "USA": ("USA", "United States"),
        "BRA": ("Brasil", "Brazil"),
        "NZL": ("New Zealand", "New Zealand"),
        "AUS": ("Australia", "Australia"),
        "XXX": ("Ukjent", "Unknown"),
    },
)

LANGUAGE = CodeSystem(
    "VOLVEN_3303",
    "Language",
    {
        "NO": ("Norsk", "Norwegian"),
        "NB": ("Norsk bokmål", "Norwegian Bokmål"),
        "NN": ("Norsk nynorsk", "Norwegian Nynorsk"),
        "SE": ("Nordsamisk", "Northern Sami"),
        "SV": ("Svensk", "Swedish"),
        "DA": ("Dansk", "Danish"),
        "EN": ("Engelsk", "English"),
        "DE": ("Tysk", "German"),
        "PL": ("Polsk", "Polish"),
        "LT": ("Litauisk", "Lithuanian"),
        "AR": ("Arabisk", "Arabic"),
        "SO": ("Somali", "Somali"),
        "TI": ("Tigrinja", "Tigrinya"),
        "FA": ("Persisk", "Persian"),
        "PS": ("Pashto", "Pashto"),
        "UR": ("Urdu", "Urdu"),
        "TR": ("Tyrkisk", "Turkish"),
        "UK": ("Ukrainsk", "Ukrainian"),
        "RU": ("Russisk", "Russian"),
        "ES": ("Spansk", "Spanish"),
        "FR": ("Fransk", "French"),
        "TH": ("Thai", "Thai"),
        "VI": ("Vietnamesisk", "Vietnamese"),
        "TL": ("Tagalog", "Tagalog"),
        "TA": ("Tamil", "Tamil"),
        "ZH": ("Kinesisk", "Chinese"),
        "CY": ("Walisisk", "Welsh"),
        "MI": ("Maori", "Maori"),
    },
)

FETAL_PRESENTATION = CodeSystem(
    "VOLVEN_8534",
    "Fetal presentation and lie",
    {
        "1": ("Hodeleie", "Cephalic"),
        "2": ("Seteleie", "Breech"),
        "3": ("Tverrleie", "Transverse lie"),
        "4": ("Skråleie", "Oblique lie"),
        "5": ("Ustabilt leie", "Unstable lie"),
        "9": ("Ikke undersøkt", "Not examined"),
    },
)

STIMULANT_TYPE = CodeSystem(
    "VOLVEN_8536",
    "Stimulant",
    {
        "1": ("Tobakk (røyk)", "Tobacco (smoking)"),
        "2": ("Snus", "Snus"),
        "3": ("Alkohol", "Alcohol"),
        "4": ("E-sigarett", "E-cigarette"),
        "5": ("Andre rusmidler", "Other drugs"),
    },
)

STIMULANT_FREQUENCY = CodeSystem(
    "VOLVEN_8537",
    "Stimulant use frequency",
    {
        "1": ("Aldri", "Never"),
        "2": ("Sjelden", "Rarely"),
        "3": ("Av og til", "Sometimes"),
        "4": ("Daglig", "Daily"),
        "5": ("Sluttet", "Stopped"),
    },
)
