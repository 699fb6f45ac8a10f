"""Pipeline stages: pure functions over domain values. No database, HTTP client or connector in here."""
