"""Dates and times in Bokmål as the app writes them: "4. des. 2026", "4. des. 2026 kl. 14:30", a 24-hour
clock, a decimal comma. `N` is the month abbreviated as Norwegian style guides write it ("des.", "mai").
Django's own nb locale is the fallback for everything not set here (input formats, separators)."""

DATE_FORMAT = "j. N Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j. N Y \k\l. H:i"
MONTH_DAY_FORMAT = "j. N"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "d.m.Y"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"  # a no-break space, as Norwegian writes 10 000
NUMBER_GROUPING = 3
