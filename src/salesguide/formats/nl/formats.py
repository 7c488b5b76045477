"""Dutch: "6 dec 2026", "6 dec 2026 10:00"."""

DATE_FORMAT = "j b Y"  # "b": the month abbreviated in lower case, as Dutch writes it ("M" capitalises)
SHORT_DATE_FORMAT = DATE_FORMAT
TIME_FORMAT = "H:i"
DATETIME_FORMAT = f"{DATE_FORMAT} {TIME_FORMAT}"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
