"""Dates and times in English as the app writes them: a 24-hour clock, the day before the month
("4 Dec 2026, 14:30"), as in Norway and the UK, where the admin showed "2:30 p.m.". Django's own locale
files are the fallback for everything not set here."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "F Y"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
