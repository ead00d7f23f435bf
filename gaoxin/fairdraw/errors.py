"""Errors raised by fairdraw, each with an English and a Chinese message."""

from __future__ import annotations


class FairdrawError(Exception):
    """Base error: carries a bilingual message.

    ``str(error)`` gives ``"<english> / <chinese>"`` so a log line or a CLI message always
    shows both languages.
    """

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(f"{en} / {zh}")
        self.en = en
        self.zh = zh


class InputError(FairdrawError):
    """Malformed input: names the file, the line (or entry) and the field."""

    def __init__(
        self,
        en: str,
        zh: str,
        *,
        source: str | None = None,
        line: int | None = None,
        entry: int | None = None,
        field: str | None = None,
    ) -> None:
        self.source = source
        self.line = line
        self.entry = entry
        self.field = field
        where = []
        if source is not None:
            where.append(source)
        if line is not None:
            where.append(f"line {line}")
        if entry is not None:
            where.append(f"entry {entry}")
        location = " ".join(where)
        if field is not None:
            location = f'{location}, field "{field}"' if location else f'field "{field}"'
        prefix = f"{location}: " if location else ""
        super().__init__(f"{prefix}{en}", zh)
        self.location = location

    def at(
        self,
        *,
        source: str | None = None,
        line: int | None = None,
        entry: int | None = None,
        field: str | None = None,
    ) -> InputError:
        """A copy of this error with (more) location filled in."""
        plain_en = self.en.split(": ", 1)[1] if self.location else self.en
        return InputError(
            plain_en,
            self.zh,
            source=source if source is not None else self.source,
            line=line if line is not None else self.line,
            entry=entry if entry is not None else self.entry,
            field=field if field is not None else self.field,
        )


class ConfigError(InputError):
    """An invalid draw configuration."""


class EntropyError(InputError):
    """An invalid entropy declaration or reveal (e.g. notary secret does not match)."""
