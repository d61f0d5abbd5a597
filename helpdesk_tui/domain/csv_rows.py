"""CSV files of customers, contacts and assets, read as untrusted text.

What each file holds (the header names its columns, in any order; unknown columns are
refused, missing optional ones leave those fields as they are):

- customers: `code` (the key), `name`, `segment`, `plan` (an SLA plan code), `language`,
  `service` (the usual service's code), `active`;
- contacts: `customer` (a customer code) and `email` — or, for a contact without one,
  `phone` — are the key; `name`, `site` (a site code of that customer), `language`,
  `active`;
- assets: `tag` (the key), `customer`, `name`, `site`, `service`, `model`, `serial`,
  `warranty_end` (YYYY-MM-DD), `active`.

Rows are numbered as the file's lines are (the header is row 1). A cell with a NUL or
bytes that are not UTF-8 makes its row bad; terminal escape sequences are removed and
other control characters made visible (`domain.text.clean_line`), so nothing read here can
drive a terminal or a spreadsheet's idea of markup. A cell the export defused against
spreadsheet formulas (`'=…`, `'+…`: `domain.csv_formulas`) is read without its apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date

from helpdesk_tui.domain.csv_formulas import undefuse
from helpdesk_tui.domain.errors import Invalid
from helpdesk_tui.domain.text import clean_line, phone_digits
from helpdesk_tui.i18n import _

KINDS = ("customers", "contacts", "assets")

COLUMNS: dict[str, tuple[str, ...]] = {
    "customers": ("code", "name", "segment", "plan", "language", "service", "active"),
    "contacts": ("customer", "name", "email", "phone", "site", "language", "active"),
    "assets": (
        "tag",
        "customer",
        "name",
        "site",
        "service",
        "model",
        "serial",
        "warranty_end",
        "active",
    ),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    "customers": ("code",),
    "contacts": ("customer",),
    "assets": ("tag",),
}
NEEDED_TO_CREATE: dict[str, tuple[str, ...]] = {
    "customers": ("name",),
    "contacts": ("name",),
    "assets": ("customer", "name"),
}
LIMITS = {
    "code": 64,
    "tag": 128,
    "name": 300,
    "segment": 64,
    "plan": 64,
    "language": 8,
    "service": 64,
    "customer": 64,
    "site": 64,
    "email": 320,
    "phone": 64,
    "model": 200,
    "serial": 200,
}
MAX_ROWS = 1_000_000

# ESC [ … final byte; ESC ] … BEL or ST; ESC P/X/^/_ … ST; a lone two-character ESC form;
# and the 8-bit CSI / OSC / DCS introducers
_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[@-Z\\-_]"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|[\x90\x9d\x9e\x9f][^\x07\x9c]*[\x07\x9c]?"
)
_SURROGATES = re.compile(r"[\udc80-\udcff]")
_TRUE = {"true", "yes", "1", "y", "да"}
_FALSE = {"false", "no", "0", "n", "нет"}


class BadCell(ValueError):
    """A cell that cannot be taken: the reason, for the row's one line."""


@dataclass(frozen=True)
class Row:
    number: int  # the file's line of the row (the header is row 1)
    values: dict[str, str]  # cleaned, only the columns the header names

    def get(self, name: str) -> str | None:
        return self.values.get(name)


@dataclass(frozen=True)
class BadRow:
    number: int
    reason: str

    def line(self) -> str:
        return f"row {self.number}: {self.reason}"


@dataclass
class Parsed:
    kind: str
    columns: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)
    bad: list[BadRow] = field(default_factory=list)


def strip_sequences(text: str) -> str:
    return _SEQUENCES.sub("", text)


def clean_cell(raw: str, column: str) -> str:
    """One cell made inert, or `BadCell`."""
    if "\x00" in raw:
        raise BadCell(_("{column}: a NUL character").format(column=column))
    if _SURROGATES.search(raw):
        raise BadCell(_("{column}: not valid UTF-8 text").format(column=column))
    value = clean_line(strip_sequences(undefuse(raw)))
    limit = LIMITS.get(column)
    if limit is not None and len(value) > limit:
        raise BadCell(
            _("{column}: too long ({value} characters; at most {limit})").format(
                column=column, value=len(value), limit=limit
            )
        )
    return value


def parse(kind: str, data: bytes) -> Parsed:
    """The rows of a CSV file of `kind`, each cleaned and checked on its own. A file that
    cannot be read as a table at all (no header, unknown columns) is `Invalid`."""
    if kind not in KINDS:
        raise Invalid(
            _("unknown kind {kind!r}: use {KINDS}").format(kind=kind, KINDS=", ".join(KINDS))
        )
    text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise Invalid(_("row 1: not a CSV header ({exc})").format(exc=exc)) from None
    if not header or not any(h.strip() for h in header):
        raise Invalid(_("the file is empty: the first row names the columns"))
    columns = tuple(clean_line(strip_sequences(h)).lower() for h in header)
    known = COLUMNS[kind]
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise Invalid(
            _("row 1: unknown column {unknown!r} for {kind} (known: {known})").format(
                unknown=unknown[0], kind=kind, known=", ".join(known)
            )
        )
    dup = next((c for c in columns if columns.count(c) > 1), None)
    if dup:
        raise Invalid(_("row 1: the column {dup!r} is named twice").format(dup=dup))
    missing = [c for c in REQUIRED[kind] if c not in columns]
    if kind == "contacts" and "email" not in columns and "phone" not in columns:
        missing.append("email or phone")
    if missing:
        raise Invalid(
            _("row 1: the {kind} file needs the column {missing!r}").format(
                kind=kind, missing=missing[0]
            )
        )
    parsed = Parsed(kind, columns)
    seen: dict[tuple, int] = {}
    while True:
        number = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            parsed.bad.append(BadRow(number, _("not CSV ({exc})").format(exc=exc)))
            break
        if not any(c.strip() for c in cells):
            continue
        if len(parsed.rows) + len(parsed.bad) >= MAX_ROWS:
            raise Invalid(
                _("more than {MAX_ROWS:,} rows: split the file").format(MAX_ROWS=MAX_ROWS)
            )
        if len(cells) != len(columns):
            parsed.bad.append(
                BadRow(
                    number,
                    _("{cells} cells where the header names {columns}").format(
                        cells=len(cells), columns=len(columns)
                    ),
                )
            )
            continue
        try:
            values = {c: clean_cell(v, c) for c, v in zip(columns, cells, strict=True)}
            _check(kind, values)
        except BadCell as exc:
            parsed.bad.append(BadRow(number, str(exc)))
            continue
        key = natural_key(kind, values)
        if key in seen:
            same = _key_name(kind, values)
            parsed.bad.append(
                BadRow(number, _("the same {same} as row {seen}").format(same=same, seen=seen[key]))
            )
            continue
        seen[key] = number
        parsed.rows.append(Row(number, values))
    return parsed


def natural_key(kind: str, values: dict[str, str]) -> tuple:
    if kind == "customers":
        return ("code", values["code"])
    if kind == "assets":
        return ("tag", values["tag"])
    email = values.get("email", "").lower()
    if email:
        return (values["customer"], "email", email)
    return (values["customer"], "phone", phone_digits(values.get("phone", "")))


def _key_name(kind: str, values: dict[str, str]) -> str:
    if kind == "customers":
        return f"code {values['code']!r}"
    if kind == "assets":
        return f"tag {values['tag']!r}"
    if values.get("email"):
        return f"e-mail {values['email']!r} of {values['customer']}"
    return f"phone {values.get('phone', '')!r} of {values['customer']}"


def _check(kind: str, values: dict[str, str]) -> None:
    for column in REQUIRED[kind]:
        if not values.get(column):
            raise BadCell(_("{column} is empty").format(column=column))
    if values.get("active"):
        flag(values["active"])
    if kind == "contacts":
        email = values.get("email", "")
        if email and ("@" not in email or " " in email):
            raise BadCell(_("email: not an e-mail address: {email!r}").format(email=email))
        if "email" in values:
            values["email"] = email.lower()
        if not email and len(phone_digits(values.get("phone", ""))) < 5:
            raise BadCell(_("a contact needs an e-mail or a phone number"))
    if kind == "assets" and values.get("warranty_end"):
        day(values["warranty_end"])


def flag(text: str) -> bool:
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BadCell(_("active: {text!r} is not true or false").format(text=text))


def day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadCell(
            _("warranty_end: not a date like 2027-03-31: {text!r}").format(text=text)
        ) from None
