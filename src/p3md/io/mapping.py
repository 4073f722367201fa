"""Form exports (Google Forms, KoboToolbox) mapped onto the codebook: ``mapping.yaml``.

A form export has the question texts (or Kobo's XML names) as headers, the answers as label
texts, and columns of its own (Timestamp, email, ``_uuid``, ...). :func:`propose_mapping`
matches each header to a column of one raw file of the codebook by the question text, with
rapidfuzz's ratios (a maintained fuzzy matcher; see :func:`similarity` for how they combine),
and each answer label to its code through the codebook's labels; :func:`write_mapping` keeps
the result beside the data as ``mapping.yaml`` for the user to check and edit.

The reader applies it (:func:`apply_mapping`): headers renamed to the codebook's columns,
form metadata and unmatched columns dropped (personal ones such as an email address are
recorded as such by the reader's pseudonymisation rule), answer labels replaced by codes.
Anything the mapping does not cover stops the run with a :class:`RawDataError` naming the file,
column, rows and fix: a new column, an answer without a code, a header that matched two items,
a mapping entry whose column is not in the export.

Conventions handled: Google Forms' grid headers ``Title [Row]`` and its Timestamp/email
columns; KoboToolbox's "label" and "xml" header modes, its ``/``-separated group paths
(``grp_pendampingan/pd01``), its metadata (``start``, ``_uuid``, ``_submission_time``,
``_index``, ...) and its choice names (``kurang_baik`` for "Kurang baik").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from p3md.codebook import Codebook
from p3md.io.errors import RawDataError
from p3md.io.labels import answer_lookup, label_key, recode_cells
from p3md.io.pseudonymise import is_personal
from p3md.io.schema import FileSchema, column_options, column_text, file_schema, option_text
from p3md.io.sources import inside
from p3md.io.table import NA_TOKENS, Table
from p3md.safe_yaml import DataFileError, load_data_yaml

MAPPING_FILE = "mapping.yaml"
#: A header is taken when its best score reaches WEAK; below STRONG it is flagged for the
#: user to confirm; when the runner-up is within MARGIN it is ambiguous and must be chosen.
STRONG, WEAK, MARGIN = 90.0, 75.0, 3.0

#: Columns the platforms add (compared in lower case on the last ``/`` segment). Google
#: Forms: English and Indonesian interface; KoboToolbox: metadata questions and ``_`` fields.
FORM_METADATA = frozenset(
    {
        "timestamp", "stempel waktu", "cap waktu", "score", "skor", "email address",
        "alamat email",
        "start", "end", "today", "deviceid", "subscriberid", "simserial", "phonenumber",
        "username", "audit", "instanceid", "rootuuid", "uuid", "__version__", "_version_",
        "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
        "_submitted_by", "_tags", "_index", "_parent_index", "_parent_table_name",
        "_attachments", "_geolocation", "_xform_id_string",
    }
)  # fmt: skip

_NUMBERING = re.compile(r"^\s*\d+\s*[.)]\s*")
_GRID = re.compile(r"\[([^\[\]]+)\]\s*$")


# -- the mapping file -----------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ColumnMap(_Strict):
    header: str
    column: str | None = None
    #: ok | weak | values (by the answers) | position (Q1..Qn) | ambiguous | unmatched |
    #: metadata | personal
    status: str = "ok"
    score: float | None = None
    candidates: list[str] | None = None
    answers: dict[str, Any] | None = None

    @field_validator("header", mode="before")
    @classmethod
    def _header_text(cls, v: Any) -> Any:
        return v if v is None else str(v)  # a header "2021" is text, whatever YAML made of it

    @field_validator("answers", mode="before")
    @classmethod
    def _answer_keys_text(cls, v: Any) -> Any:
        return {str(k): c for k, c in v.items()} if isinstance(v, dict) else v


class FileMap(_Strict):
    source: str
    sheet: str | None = None
    columns: list[ColumnMap]


class Mapping(_Strict):
    version: int = 1
    files: dict[str, FileMap]


def mapping_path(data_dir: Path) -> Path:
    return Path(data_dir) / MAPPING_FILE


def load_mapping(data_dir: Path) -> Mapping | None:
    """The folder's ``mapping.yaml`` (``None`` when there is none), read with the data
    folder's safe YAML loader (:mod:`p3md.safe_yaml`) and validated by a schema that forbids
    unknown keys."""
    path = mapping_path(data_dir)
    if not path.is_file() and not path.is_symlink():
        return None
    inside(data_dir, MAPPING_FILE, file=MAPPING_FILE)
    try:
        data = load_data_yaml(
            path,
            fix="correct the indentation or quoting, or write it again with python -m p3md map",
        )
        return Mapping.model_validate(data)
    except DataFileError as exc:
        raise RawDataError(exc.file, column=exc.where, rule=exc.rule, fix=exc.fix) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        if first["type"] == "extra_forbidden":
            rule = f"unknown key {str(first['loc'][-1])!r} at {where}"
            fix = "remove the key or correct its spelling (see the comments at the top of the file)"
        else:
            rule = f"the mapping does not have the expected structure at {where}: {first['msg']}"
            fix = "write it again with python -m p3md map --data EXPORT --file KEY"
        raise RawDataError(MAPPING_FILE, column=where, rule=rule, fix=fix) from None


class _PlainDumper(yaml.SafeDumper):
    """No anchors or aliases in the file written (the loader limits their expansion)."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def write_mapping(data_dir: Path, key: str, filemap: FileMap) -> Path:
    """Add or replace the section of file ``key`` in the folder's ``mapping.yaml``."""
    path = mapping_path(data_dir)
    current = load_mapping(data_dir) if path.is_file() else None
    files = dict(current.files) if current else {}
    files[key] = filemap
    doc = Mapping(files=files).model_dump(exclude_none=True)
    head = (
        "# Written by `python -m p3md map`: how each column of a form export becomes a column\n"
        "# of the codebook (data/codebook.yaml). Check the entries whose status is not `ok`:\n"
        "#   weak       matched, but not closely: confirm or correct `column`\n"
        "#   values     matched by its answers (ID pattern, options): confirm or correct\n"
        "#   position   numbered headers (Q1..Qn) matched to the items in order: confirm\n"
        "#   ambiguous  matched several columns equally well: set `column` to one of them\n"
        "#   unmatched  no column of the codebook: dropped (set `column` if it is one)\n"
        "#   metadata / personal  form metadata or personal data: dropped\n"
        "# `answers` maps each answer label to the codebook's code; `null` must be filled in.\n"
        "# Running `map` again keeps your edits and only fills in what is missing.\n"
    )
    body = yaml.dump(doc, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, width=100)
    path.write_text(head + body, encoding="utf-8")
    return path


# -- proposing a mapping ----------------------------------------------------------------------


def _unique_headers(table: Table) -> list[str]:
    """The export's headers (whitespace cleaned); two equal headers cannot be told apart."""
    headers = [" ".join(h.split()) for h in table.header]
    doubled = [h for h in dict.fromkeys(headers) if h and headers.count(h) > 1]
    if doubled:
        raise RawDataError(
            table.name,
            column=doubled[0],
            values=doubled,
            rule="two columns of the export have the same header, so they cannot be told apart",
            fix="give the questions different titles in the form (or rename one header in the "
            "export) and run python -m p3md map again",
        )
    return headers


def header_variants(header: str) -> list[str]:
    """The texts a header may carry its question in: as is, without a Kobo group path, the
    row of a Google grid (``Title [Row]``), without a leading number (``12. ...``)."""
    text = " ".join(str(header).split())
    variants = [text]
    if "/" in text:
        variants.append(text.rsplit("/", 1)[1].strip())
    grid = _GRID.search(text)
    if grid:
        variants.append(grid.group(1).strip())
    variants += [_NUMBERING.sub("", v) for v in variants if _NUMBERING.match(v)]
    return [v for v in dict.fromkeys(variants) if v]


def _targets(cb: Codebook, schema: FileSchema) -> list[tuple[str, str]]:
    """(column, text) pairs to match against: question texts (both role wordings)."""
    pairs = []
    for col in schema.names:
        text = column_text(cb, schema.key, col)
        if text:
            pairs.append((col, text))
        if col not in cb.files[schema.key].columns and col in {i.id for i in cb.items}:
            for role_text in (cb.item(col).text_by_role or {}).values():
                pairs.append((col, role_text))
    return pairs


def similarity(a: str, b: str) -> float:
    """rapidfuzz's ``WRatio`` without its partial token-set part: the best of the plain,
    token-sort, token-set (x0.95) and partial (x0.9) ratios, as WRatio weighs them. WRatio's
    partial token-set ratio is 100 for any one shared word, which scored every header that
    shares "desa" with a question 85.5 and left no column unmatched; the token-set ratio
    still gives 95 to a header that is a shortened question ("Kecamatan")."""
    from rapidfuzz import fuzz, utils

    a, b = utils.default_process(a), utils.default_process(b)
    return max(
        fuzz.ratio(a, b),
        fuzz.token_sort_ratio(a, b),
        0.95 * fuzz.token_set_ratio(a, b),
        0.9 * fuzz.partial_ratio(a, b),
    )


def _scores(header: str, cb: Codebook, schema: FileSchema) -> dict[str, float]:
    """Best score of every codebook column for one header (100 for its exact name, as in
    Kobo's "xml" header mode)."""
    variants = header_variants(header)
    names = {v.lower() for v in variants}
    best: dict[str, float] = {}
    for col, text in _targets(cb, schema):
        score = max(similarity(v, text) for v in variants)
        best[col] = max(best.get(col, 0.0), float(score))
    for col in schema.names:
        if col.lower() in names:
            best[col] = 100.0
    return best


def _convert(code: str) -> Any:
    return int(code) if code.lstrip("-").isdigit() else code


@dataclass
class Proposal:
    """A proposed mapping with what the user must look at."""

    filemap: FileMap
    missing: list[str] = field(default_factory=list)  # codebook columns no header matched
    uncovered: dict[str, list[str]] = field(default_factory=dict)  # header -> answers

    @property
    def needs_edit(self) -> bool:
        ambiguous = any(c.status == "ambiguous" for c in self.filemap.columns)
        return bool(ambiguous or self.missing or self.uncovered)


def propose_mapping(
    table: Table, cb: Codebook, key: str, source: str, sheet: str | None = None
) -> Proposal:
    """Match the headers and answers of an export ``table`` to raw file ``key``."""
    schema = file_schema(cb, key)
    headers = _unique_headers(table)
    entries: dict[int, ColumnMap] = {}
    scored: list[tuple[float, int, str]] = []
    all_scores: dict[int, dict[str, float]] = {}
    for j, header in enumerate(headers):
        last = header.rsplit("/", 1)[-1].strip().lower()
        exact_name = last in {c.lower() for c in schema.names}
        if not exact_name and is_personal(header, cb.personal_fields):
            entries[j] = ColumnMap(header=header, status="personal")
            continue
        if not exact_name and (header.lower() in FORM_METADATA or last in FORM_METADATA):
            entries[j] = ColumnMap(header=header, status="metadata")
            continue
        all_scores[j] = _scores(header, cb, schema)
        scored += [(s, j, c) for c, s in all_scores[j].items() if s >= WEAK]
    taken: set[str] = set()
    # Greedy on the score: the closest pair first, each column used once.
    for score, j, col in sorted(scored, key=lambda t: (-t[0], t[1], t[2])):
        if j in entries or col in taken:
            continue
        rivals = sorted(
            (
                c
                for c, s in all_scores[j].items()
                if c != col and c not in taken and s >= score - MARGIN
            ),
        )
        if rivals and score < 100:
            entries[j] = ColumnMap(
                header=headers[j],
                status="ambiguous",
                score=round(score, 1),
                candidates=[col, *rivals],
            )
            continue
        status = "ok" if score >= STRONG else "weak"
        entries[j] = ColumnMap(header=headers[j], column=col, status=status, score=round(score, 1))
        taken.add(col)
    for j, header in enumerate(headers):
        if j not in entries:
            best = max(all_scores.get(j, {}).values(), default=0.0)
            entries[j] = ColumnMap(header=header, status="unmatched", score=round(best, 1))
    # The answers decide what the header could not (see :func:`resolve_by_values`), then a
    # numbered questionnaire (Q1..Qn) is proposed by position; what stays unmatched names its
    # closest columns.
    taken |= resolve_by_values(table, cb, key, entries, all_scores, taken)
    taken |= propose_by_position(table, cb, key, entries, taken)
    for j, entry in entries.items():
        if entry.status == "unmatched":
            entry.candidates = closest(all_scores.get(j, {}), taken) or None
    uncovered: dict[str, list[str]] = {}
    for j, entry in entries.items():
        if entry.column is None:
            continue
        entry.answers, without = propose_answers(table, cb, key, j, entry.column)
        if without:
            uncovered[entry.header] = without
    filemap = FileMap(source=source, sheet=sheet, columns=[entries[j] for j in range(len(headers))])
    missing = [c for c in schema.names if c not in taken]
    return Proposal(filemap, missing, uncovered)


def propose_answers(
    table: Table, cb: Codebook, key: str, j: int, col: str
) -> tuple[dict[str, Any] | None, list[str]]:
    """The ``answers:`` of export column ``j`` mapped to codebook column ``col`` (each label
    with its code; ``None`` where no label of the codebook matches) and the answers without a
    code. ``None`` for an open column."""
    options = column_options(cb, key, col)
    if not options:
        return None, []
    lookup = answer_lookup(cb, key, col)
    answers: dict[str, Any] = {
        label: _convert(code) for code, label in options.items() if label != code
    }
    without: list[str] = []
    for cells in table.cells:
        value = " ".join(cells[j].split())
        if value.lower() in NA_TOKENS or value in answers or value in options:
            continue
        code = lookup.get(label_key(value))
        answers[value] = None if code is None else _convert(code)
        if code is None:
            without.append(value)
    return answers or None, without


# -- reading the answers: values, position, closest candidates -------------------------------

#: How many closest columns an unmatched header names.
CLOSEST = 3
#: Numbered headers: ``Q1``, ``q01``, ``P-3``, ``No. 12``, ``12`` (a prefix of up to three
#: letters, the number).
_NUMBERED = re.compile(r"^\s*([A-Za-z]{0,3})\.?\s*[-_]?\s*(\d+)\s*$")


def column_values(table: Table, j: int) -> list[str]:
    """The distinct answers of column ``j`` (spaces cleaned, "no answer" left out)."""
    seen = dict.fromkeys(" ".join(row[j].split()) for row in table.cells)
    return [v for v in seen if v.lower() not in NA_TOKENS]


def values_fit(cb: Codebook, key: str, col: str, values: list[str]) -> bool | None:
    """Do ``values`` fit codebook column ``col``? ``True`` when every value matches its ID
    pattern or is one of its options (a code, a label, a variant), ``False`` when one does
    not, ``None`` when the column has no rule that tells it from others (free text, plain
    numbers) or there are no values."""
    if not values:
        return None
    spec = cb.files[key].columns.get(col)
    if spec is not None and spec.pattern:
        rule = re.compile(spec.pattern)
        return all(rule.search(v) is not None for v in values)
    if column_options(cb, key, col):
        lookup = answer_lookup(cb, key, col)
        return all(label_key(v) in lookup for v in values)
    return None


def resolve_by_values(
    table: Table,
    cb: Codebook,
    key: str,
    entries: dict[int, ColumnMap],
    scores: dict[int, dict[str, float]],
    taken: set[str],
) -> set[str]:
    """Ambiguous and unmatched headers whose answers fit exactly one free column of the
    codebook get that column, with status ``values`` (flagged for confirmation): "Kode desa"
    (ambiguous between ``official_id`` and ``village_id``) with answers ``V002`` is
    ``village_id``; "Kode responden" (no question text close enough) with answers ``O001``
    is ``official_id``. An ambiguous header chooses among its candidates only; an unmatched
    one among every free column with a rule (an ID pattern or a closed list). Returns the
    columns taken."""
    schema = file_schema(cb, key)
    # One pass against the columns the headers left free: a column is never given by
    # elimination (the last of three items on one scale "fits exactly one" only because the
    # others were taken), and a column that fits two headers' answers goes to neither.
    free = [c for c in schema.names if c not in taken]
    fits_of: dict[int, list[str]] = {}
    for j, entry in sorted(entries.items()):
        if entry.status not in ("ambiguous", "unmatched") or entry.column is not None:
            continue
        pool = set(entry.candidates or []) if entry.status == "ambiguous" else set(free)
        values = column_values(table, j)
        fits_of[j] = [c for c in free if c in pool and values_fit(cb, key, c, values)]
    unique = [fits[0] for fits in fits_of.values() if len(fits) == 1]
    newly: set[str] = set()
    for j, fits in fits_of.items():
        if len(fits) != 1 or unique.count(fits[0]) > 1:
            continue
        entry = entries[j]
        entry.column, entry.status = fits[0], "values"
        entry.score = round(scores.get(j, {}).get(fits[0], 0.0), 1)
        entry.candidates = None
        newly.add(fits[0])
    return newly


def propose_by_position(
    table: Table, cb: Codebook, key: str, entries: dict[int, ColumnMap], taken: set[str]
) -> set[str]:
    """Unmatched numbered headers (``Q1``..``Qn``, one prefix, numbered 1..n without gaps)
    whose count equals the free item columns of the codebook are proposed in the codebook's
    order, status ``position`` (flagged for confirmation), but only when every column's
    answers fit its item (a closed list the answers leave is no match). Returns the columns
    taken."""
    numbered: dict[int, int] = {}
    prefixes = set()
    for j, entry in entries.items():
        found = _NUMBERED.match(entry.header)
        if entry.status == "unmatched" and found:
            numbered[int(found.group(2))] = j
            prefixes.add(found.group(1).lower())
    if not numbered or len(prefixes) != 1 or sorted(numbered) != list(range(1, len(numbered) + 1)):
        return set()
    spec = cb.files[key]
    items = [c for c in file_schema(cb, key).names if c not in spec.columns and c not in taken]
    if len(items) != len(numbered):
        return set()
    pairs = [(numbered[n], col) for n, col in zip(sorted(numbered), items, strict=True)]
    if any(values_fit(cb, key, col, column_values(table, j)) is False for j, col in pairs):
        return set()
    for j, col in pairs:
        entries[j].column, entries[j].status, entries[j].candidates = col, "position", None
    return {col for _, col in pairs}


def closest(scores: dict[str, float], taken: set[str], n: int = CLOSEST) -> list[str]:
    """The ``n`` columns with the highest header scores as ``col (score)``: the free ones
    first (the header may be one of them), then those another header took (``taken``)."""
    ranked = sorted(((-s, c) for c, s in scores.items() if s > 0))
    free = [f"{c} ({-s:.0f})" for s, c in ranked if c not in taken]
    used = [f"{c} ({-s:.0f}, taken)" for s, c in ranked if c in taken]
    return (free + used)[:n]


# -- applying a mapping (the reader) ----------------------------------------------------------


def apply_mapping(table: Table, filemap: FileMap, cb: Codebook, key: str) -> Table:
    """``table`` (the export as read) with the codebook's headers and codes; see the module
    docstring for what is rejected."""
    schema = file_schema(cb, key)
    headers = _unique_headers(table)
    by_header = {c.header: c for c in filemap.columns}
    source = Path(filemap.source).name
    for header in headers:
        if header and header not in by_header:
            raise RawDataError(
                table.name,
                column=header,
                rule=f"the column is not in the section {key} of {MAPPING_FILE} (added to the "
                "form after the mapping was written?)",
                fix=f"run python -m p3md map --data {source!r} --file {key} again, or add the "
                f"header to {MAPPING_FILE} (with `column: null` to drop it)",
            )
    for entry in filemap.columns:
        if entry.header not in headers:
            raise RawDataError(
                MAPPING_FILE,
                column=entry.header,
                values=[source],
                rule=f"{MAPPING_FILE} maps this column of {source}, but {source} has no such "
                "column",
                fix=f"correct the header in {MAPPING_FILE} to the one in {source}, or run "
                f"python -m p3md map --data {source!r} --file {key} again",
            )
        if entry.status == "ambiguous" and entry.column is None:
            raise RawDataError(
                table.name,
                column=entry.header,
                values=entry.candidates or [],
                rule="the header matches several columns of the codebook equally well",
                fix=f"in {MAPPING_FILE} set `column:` of this header to the right one of "
                f"{', '.join(entry.candidates or [])} (and `status: ok`)",
            )
        if entry.column is not None and entry.column not in schema.columns:
            raise RawDataError(
                MAPPING_FILE,
                column=entry.header,
                values=[entry.column],
                rule=f"{entry.column!r} is not a column of {key} in the codebook",
                fix=f"use one of {', '.join(schema.names[:8])}, ... (see data/README.md)",
            )
    targets = [e.column for e in filemap.columns if e.column]
    doubled = sorted({c for c in targets if targets.count(c) > 1})
    if doubled:
        raise RawDataError(
            MAPPING_FILE,
            column=doubled[0],
            values=[e.header for e in filemap.columns if e.column == doubled[0]],
            rule=f"two columns of {source} are mapped to the codebook column {doubled[0]!r}",
            fix="keep the right one and set `column: null` for the other",
        )
    keep = [j for j, h in enumerate(headers) if by_header.get(h) and by_header[h].column]
    new_header = [by_header[headers[j]].column or "" for j in keep]
    cells = [[row[j] for j in keep] for row in table.cells]
    for k, j in enumerate(keep):
        entry = by_header[headers[j]]
        col = entry.column or ""
        options = column_options(cb, key, col)
        if not options:
            continue
        lookup = {label_key(c): c for c in options}  # a code typed as such
        lookup.update(
            {label_key(a): str(c) for a, c in (entry.answers or {}).items() if c is not None}
        )
        bad_rows, bad_values = recode_cells(list(table.rows), cells, k, lookup)
        if bad_rows:
            shown = "; ".join(option_text(c, lbl) for c, lbl in options.items())
            raise RawDataError(
                table.name,
                column=entry.header,
                rows=bad_rows,
                values=bad_values,
                rule=f"the answer is not covered by {MAPPING_FILE} (column {col}; the "
                f"codebook's options are {shown})",
                fix=f"add the answer with its code under `answers:` of this column in "
                f"{MAPPING_FILE}, or correct the cell",
            )
    return Table(
        table.name,
        new_header,
        cells,
        list(table.rows),
        table.decimal_comma,
        predropped=[headers[j] for j in range(len(headers)) if j not in keep and headers[j]],
        source_headers={new_header[k]: headers[j] for k, j in enumerate(keep)},
    )


# -- the `map` command ----------------------------------------------------------------------


def read_export(path: Path, sheet: str | None = None) -> tuple[Table, str | None]:
    """A form export as a table: a CSV, or a sheet of an ``.xlsx`` (the named one, else the
    first that holds a table: Kobo puts repeat groups on later sheets)."""
    from p3md.io.table import read_csv_table, read_xlsx_sheet, xlsx_tables

    if path.suffix.lower() != ".xlsx":
        return read_csv_table(path), None
    if sheet is not None:
        return read_xlsx_sheet(path, sheet), sheet
    found = []
    for title, table in xlsx_tables(path):
        found.append(title)
        if isinstance(table, Table):
            return table, title
    raise RawDataError(
        path.name,
        values=found,
        rule="no sheet of the workbook holds a header and data rows",
        fix="export the form's data again (Google Forms: Download responses; Kobo: Export as XLS)",
    )


_FLAGS = {
    "ok": "",
    "weak": "CHECK (weak match)",
    "ambiguous": "CHOOSE (several items match)",
    "values": "CHECK (matched by its answers)",
    "position": "CHECK (matched by position: Q1 = first item ...)",
    "unmatched": "dropped (no item matches)",
    "metadata": "dropped (form metadata)",
    "personal": "dropped (personal data)",
}


def describe(proposal: Proposal, width: int = 60) -> list[str]:
    """The table of matches printed for the user to confirm, weak ones flagged."""
    lines = [f"{'header':<{width}}  {'column':<17} {'score':>5}  note"]
    for c in proposal.filemap.columns:
        head = c.header if len(c.header) <= width else c.header[: width - 3] + "..."
        target = c.column or ("/".join(c.candidates or []) if c.status == "ambiguous" else "-")
        score = f"{c.score:5.1f}" if c.score is not None else "    -"
        note = _FLAGS.get(c.status, c.status)
        if c.status == "unmatched" and c.candidates:
            note += f"; closest: {', '.join(c.candidates)}"
        if c.header in proposal.uncovered:
            missing = ", ".join(repr(v) for v in dict.fromkeys(proposal.uncovered[c.header]))
            note = (note + "; " if note else "") + f"answers without a code: {missing}"
        lines.append(f"{head:<{width}}  {target:<17} {score}  {note}".rstrip())
    counts = {s: sum(c.status == s for c in proposal.filemap.columns) for s in _FLAGS}
    lines.append(
        f"{counts['ok']} matched, {counts['weak']} weak, {counts['values']} by their answers "
        f"and {counts['position']} by position (check them), {counts['ambiguous']} "
        f"ambiguous, {counts['unmatched']} unmatched, "
        f"{counts['metadata'] + counts['personal']} metadata/personal dropped."
    )
    if proposal.missing:
        lines.append(f"No header matched the codebook column(s): {', '.join(proposal.missing)}.")
    if proposal.needs_edit:
        lines.append(
            f"Edit {MAPPING_FILE} before running the report (set `column:` of ambiguous headers, "
            "give the missing columns a header, fill in `null` answers)."
        )
    return lines


def _target(entry: ColumnMap) -> str:
    if entry.column:
        return f"column {entry.column} ({entry.status})"
    return f"no column ({entry.status})"


def merge_mapping(
    old: FileMap, proposal: Proposal, table: Table, cb: Codebook, key: str
) -> tuple[Proposal, list[str]]:
    """``map`` run again: the section ``old`` of ``mapping.yaml`` (the user may have edited
    it) with only what is missing filled in from the fresh ``proposal``. Every entry the user
    has keeps its ``column`` and ``status``, except one still ambiguous without a column (the
    run refuses it) that the fresh proposal resolves; an unmatched entry stays dropped (the
    user may have dropped it on purpose), and is listed as kept when the proposal differs; every
    answer code already there is kept, answers new in the export are added and ``null``
    codes are filled where the codebook now has one; headers new in the export are added.
    Returns the merged proposal and one line per change (and per edit kept)."""
    schema = file_schema(cb, key)
    headers = _unique_headers(table)
    mine = {c.header: c for c in old.columns}
    fresh = {c.header: c for c in proposal.filemap.columns}
    changes: list[str] = []
    kept: list[str] = []
    merged: list[ColumnMap] = []
    uncovered: dict[str, list[str]] = {}
    for j, header in enumerate(headers):
        new = fresh[header]
        entry = mine.get(header)
        if entry is None:
            merged.append(new)
            changes.append(f"added {header!r}: {_target(new)}")
            if header in proposal.uncovered:
                uncovered[header] = proposal.uncovered[header]
            continue
        entry = entry.model_copy(deep=True)
        # Only an ambiguous entry without a column is filled: the run refuses it anyway. An
        # unmatched one may be the user's own choice to drop the column (`column: null`).
        unresolved = entry.column is None and entry.status == "ambiguous"
        if unresolved and new.column is not None:
            entry.column, entry.status, entry.score = new.column, new.status, new.score
            entry.candidates = None
            changes.append(f"filled {header!r}: {_target(entry)}")
        elif (entry.column, entry.status) != (new.column, new.status):
            kept.append(f"{header!r}: {_target(entry)}")
        if entry.column is not None:
            answers, _ = propose_answers(table, cb, key, j, entry.column)
            current = dict(entry.answers or {})
            for label, code in (answers or {}).items():
                if label not in current:
                    current[label] = code
                    shown = "null (no code in the codebook: fill it in)" if code is None else code
                    changes.append(f"added the answer {label!r} = {shown} to {header!r}")
                elif current[label] is None and code is not None:
                    current[label] = code
                    changes.append(f"filled the answer {label!r} = {code} of {header!r}")
            entry.answers = current or None
            without = [a for a, c in current.items() if c is None]
            if without:
                uncovered[header] = without
        merged.append(entry)
    for entry in old.columns:
        if entry.header not in fresh:
            merged.append(entry)
            changes.append(
                f"kept {entry.header!r}, which is not in the export any more (the report stops "
                "on it: remove it if the question was deleted from the form)"
            )
    source, sheet = old.source, old.sheet
    if (source, sheet) != (proposal.filemap.source, proposal.filemap.sheet):
        changes.append(f"source: {old.source!r} -> {proposal.filemap.source!r}")
        source, sheet = proposal.filemap.source, proposal.filemap.sheet
    filemap = FileMap(source=source, sheet=sheet, columns=merged)
    targets = {c.column for c in merged if c.column}
    missing = [c for c in schema.names if c not in targets]
    lines = [f"kept your edit of {k}" for k in kept] + changes
    if not lines:
        lines = ["nothing to fill in: the section was complete"]
    return Proposal(filemap, missing, uncovered), lines


def map_export(
    export: Path, cb: Codebook, key: str, sheet: str | None = None
) -> tuple[Proposal, Path, list[str]]:
    """Propose the mapping of ``export`` to raw file ``key`` and write it beside the export.
    When ``mapping.yaml`` already has a section for ``key`` (``map`` run again, after the
    user's edits), only what is missing is filled in (:func:`merge_mapping`) and the lines
    say what changed."""
    table, used_sheet = read_export(Path(export), sheet)
    proposal = propose_mapping(table, cb, key, Path(export).name, used_sheet)
    folder = Path(export).parent
    current = load_mapping(folder)
    lines: list[str] = []
    if current is not None and key in current.files:
        proposal, changes = merge_mapping(current.files[key], proposal, table, cb, key)
        lines = [f"{MAPPING_FILE} already had a section {key}; kept as it is, except:"]
        lines += [f"  - {c}" for c in changes]
    path = write_mapping(folder, key, proposal.filemap)
    return proposal, path, describe(proposal) + lines
