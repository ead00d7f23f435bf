"""One date style per language (issue #14, item 8), read by Django's `date` filter and
`django.utils.formats.date_format` through FORMAT_MODULE_PATH.

Templates write `{{ value|date }}` for a day and `{{ value|date:"DATETIME_FORMAT" }}` for a
moment; Python code `formats.date_format(value, "DATETIME_FORMAT")` after `timezone.localtime`.
Chinese: 2026年12月2日 and 2026年12月2日 18:00; English: 2 Dec 2026 and 2 Dec 2026 18:00."""
