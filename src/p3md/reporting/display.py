"""How a saved table looks in the report: a publication table built with great-tables.

Why great-tables and not pandas' Styler: a thesis table needs grouped column headers (a
spanner "Gabungan | PDP | PLD" over rs, p and the decision), row groups (the variable printed
once above its items), a note that belongs to the table, and an HTML table that Quarto's Typst
path understands. Styler can draw MultiIndex headers, but it has no row groups or table notes,
and its headers of unspanned columns come out as an empty cell above the label. great-tables
(Posit's port of R's gt, maintained) does all four, and its HTML is a plain ``<table>`` with
``colspan``/``rowspan`` headers and a ``<tfoot>`` note, which Quarto 1.10 turns into a Typst
``table.header``/``table.footer`` for the PDF (checked). great-tables' ``<style>`` block has
rules that are not scoped to its table (``#id thead, tbody, tr, td ...``, `` tr {...}``), which
would restyle every other table of the page; :func:`scope_css` prefixes them with the table's id
(its ``inline_css=True`` would do the same but needs one more compiled package, css-inline).

The display never computes: it shows the formatted text of :mod:`p3md.reporting.formatting`
(decimal comma, ``< 0,001``, ``–``) and derives its layout from the column names that the CSV
keeps (``"Gabungan: rs"``, ``"PDP (n)"``), so every table -- including those with columns added
later -- gets the same treatment:

- **spanners**: adjacent columns named ``"<group>: <label>"`` or ``"<group> (<label>)"`` share a
  spanner ``<group>`` over their ``<label>``s (at least two adjacent columns; a lone
  ``"Lulus pre-test (%)"`` keeps its name);
- **row groups**: a text column printed only on the first row of each block (the thesis's
  "Variabel" column) becomes group rows instead of a column;
- **redundant keys**: a ``Kode`` column whose value stands in parentheses in another cell of the
  same row (``"Tingkat motivasi kerja (X3)"``) is left out of the display (the CSV keeps it);
- **flags**: flagged cells are highlighted and marked ``†`` (the mark survives the PDF and
  black-and-white print).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from p3md.markup import html as escape_html

FLAG_MARK = "†"
FLAG_FILL = "#fde2c8"
#: Columns that only repeat a key shown elsewhere in the row (left out of the display).
KEY_COLUMNS = ("Kode",)
#: From this many displayed columns on a table is "wide": smaller type in browser and PDF.
WIDE_COLUMNS = 10
#: A wide table with at most this many rows is printed transposed.
TRANSPOSE_ROWS = 3
#: From this many columns on, a table is set a pixel smaller in the browser.
DENSE_COLUMNS = 8
#: Type size of tables in the PDF, relative to the body text (checked on A4 with Quarto 1.10:
#: the twelve columns of the Spearman table fit the text width at 0.7em).
PDF_FONT = "0.8em"
PDF_FONT_WIDE = "0.7em"
#: The class of a table's note (the site's CSS and the print filter tables.lua know it).
NOTE_CLASS = "p3md-table-note"
_SUFFIX = re.compile(r"^(?P<group>.+?) \((?P<label>[^()]+)\)$")
_COLON = re.compile(r"^(?P<group>[^:]+?): (?P<label>.+)$")


@dataclass(frozen=True)
class Header:
    """One displayed column: its CSV name, its spanner (or ``None``) and its label."""

    column: str
    spanner: str | None
    label: str


def _split(name: str) -> tuple[str, str] | None:
    for pattern in (_COLON, _SUFFIX):
        m = pattern.match(name)
        if m:
            return m.group("group").strip(), m.group("label").strip()
    return None


def headers(columns: Sequence[str]) -> list[Header]:
    """Spanners of adjacent columns that share a ``<group>: `` prefix or `` (<label>)`` suffix."""
    parts = [_split(str(c)) for c in columns]
    out: list[Header] = []
    i = 0
    while i < len(columns):
        part = parts[i]
        j = i + 1
        if part is not None:
            while j < len(columns) and parts[j] is not None and parts[j][0] == part[0]:
                j += 1
        if part is not None and j - i >= 2:
            out.extend(Header(str(columns[k]), part[0], parts[k][1]) for k in range(i, j))
        else:
            out.append(Header(str(columns[i]), None, str(columns[i])))
            j = i + 1
        i = j
    return out


def group_column(data: pd.DataFrame) -> str | None:
    """The first text column printed only on the first row of each block (the rest of the
    block is ``""``), if any, among the first three columns."""
    if len(data) < 2:
        return None
    for col in data.columns[:3]:
        values = data[col]
        if not all(isinstance(v, str) for v in values):
            continue
        blank = values.str.strip() == ""
        # A block label stands on the first row of its block only: every label is followed by
        # a blank. A column filled at the top and blank below (a range column beside total and
        # median rows) is not one.
        follows = blank.shift(-1, fill_value=True)
        if values.iloc[0].strip() and blank.sum() >= (~blank).sum() and follows[~blank].all():
            return str(col)
    return None


def redundant_keys(data: pd.DataFrame, text: pd.DataFrame) -> list[str]:
    """``Kode`` columns whose every value appears as ``(value)`` in another cell of its row."""
    out = []
    for key in KEY_COLUMNS:
        if key not in data.columns:
            continue
        others = [c for c in text.columns if c != key]
        ok = True
        for i, value in enumerate(data[key].astype(str)):
            row = " ".join(str(text.iloc[i][c]) for c in others)
            if f"({value})" not in row:
                ok = False
                break
        if ok:
            out.append(key)
    return out


def folded_columns(
    data: pd.DataFrame, columns: list[str], flags: pd.DataFrame | None, keep: str | None
) -> tuple[list[str], list[str]]:
    """Columns a wide table states once in its note instead of on every row.

    ``(repeats, constants)`` among ``columns``: a column whose values equal an earlier one's
    at full precision (``p asimtotik (MW)`` beside ``p (MW)``), and a column with the same value
    on every row (``metode p``, ``df = 1``, ``n = 44``). Never folded: flagged columns, ``keep``
    (the row label) and the last column (where a thesis table puts its decision).
    """
    repeats: list[str] = []
    constants: list[str] = []
    if len(data) < 2:
        return repeats, constants
    seen: list[str] = []
    for col in columns:
        if col in (keep, columns[-1]) or (flags is not None and flags[col].any()):
            seen.append(col)
            continue
        values = data[col]
        # A constant is stated once even when another column holds the same constant.
        if values.nunique(dropna=False) == 1 and str(values.iloc[0]).strip() not in ("", "nan"):
            constants.append(col)
        elif any(values.equals(data[other]) for other in seen):
            repeats.append(col)
        seen.append(col)
    return repeats, constants


def transposed(
    shown: pd.DataFrame, flags: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Rows as columns: the first column's values become the headers (made unique), the
    other column names the first column; flags follow their cells."""
    first, rest = shown.columns[0], list(shown.columns[1:])
    heads: list[str] = []
    for value in shown[first].astype(str):
        name = value
        while name in heads or name == first:
            name += " "
        heads.append(name)
    out = pd.DataFrame({first: rest})
    new_flags = pd.DataFrame({first: [False] * len(rest)}) if flags is not None else None
    for i, head in enumerate(heads):
        out[head] = [shown[c].iloc[i] for c in rest]
        if new_flags is not None and flags is not None:
            new_flags[head] = [bool(flags[c].iloc[i]) for c in rest]
    return out, new_flags


#: The note's words for folded columns, by language.
FOLD_WORDS = {
    "id": {"same": "Sama pada semua baris", "repeat": "{a} sama dengan {b}"},
    "en": {"same": "The same in every row", "repeat": "{a} equals {b}"},
}


def _fold_note(
    text: pd.DataFrame, repeats: list[tuple[str, str]], constants: list[str], lang: str
) -> str:
    words = FOLD_WORDS.get(lang, FOLD_WORDS["id"])
    parts: dict[str, None] = {}
    heads = {h.column: h for h in headers(list(text.columns))}
    for col in constants:
        h = heads[col]
        parts.setdefault(f"{h.label}: {text[col].iloc[0]}", None)
    same = f"{words['same']}: {'; '.join(parts)}." if parts else ""
    rep = []
    for col, twin in repeats:
        rep.append(words["repeat"].format(a=col, b=twin))
    return " ".join(x for x in (same, ("; ".join(rep) + ".") if rep else "") if x)


def render_html(
    data: pd.DataFrame,
    text: pd.DataFrame,
    label: str,
    note: str | None,
    flags: pd.DataFrame | None,
    lang: str = "id",
) -> str:
    """The table as HTML (great-tables, styles inlined); ``text`` holds the formatted cells."""
    from great_tables import GT, loc, style
    from great_tables import html as gt_html

    # "< 0,001" must not break between its two parts.
    shown = text.apply(lambda col: col.str.replace("< ", "<\u00a0", regex=False))
    if flags is not None:
        for col in shown.columns:
            mask = flags[col].to_numpy(dtype=bool)
            shown.loc[mask, col] = [f"{v} {FLAG_MARK}" for v in shown.loc[mask, col]]
    group = group_column(data)
    if group is not None:
        blank = data[group].str.strip() == ""
        shown[group] = shown[group].where(~blank.to_numpy()).ffill()
    shown = shown.drop(columns=redundant_keys(data, shown))
    if len([c for c in shown.columns if c != group]) > WIDE_COLUMNS:
        # Too wide for the page: what repeats on every row is said once, in the note.
        keep = next((c for c in shown.columns if c != group and not _numeric_text(shown[c])), None)
        cols = [c for c in shown.columns if c != group]
        repeats, constants = folded_columns(data, cols, flags, keep)
        twins = [(c, next(o for o in cols if o != c and data[o].equals(data[c]))) for c in repeats]
        folded = _fold_note(shown, twins, constants, lang)
        if folded:
            note = f"{note} {folded}" if note else folded
        shown = shown.drop(columns=repeats + constants)
    columns = [c for c in shown.columns if c != group]
    if group is None and len(columns) > WIDE_COLUMNS and len(shown) <= TRANSPOSE_ROWS:
        # Still too wide, and only a few rows (two tests side by side): as a thesis prints
        # it, the rows become the columns.
        shown, flags = transposed(shown, flags)
        columns = list(shown.columns)
    # great-tables wants unique string column ids; labels come back through cols_label.
    ids = {c: f"c{i}" for i, c in enumerate(shown.columns)}
    frame = shown.rename(columns=ids)
    gt = GT(frame, groupname_col=ids[group] if group else None, id=label.replace("-", "_"))
    heads = headers(columns)
    gt = gt.cols_label(**{ids[h.column]: h.label for h in heads})
    spanners: dict[str, list[str]] = {}
    for h in heads:
        if h.spanner is not None:
            spanners.setdefault(h.spanner, []).append(ids[h.column])
    for name, cols in spanners.items():
        gt = gt.tab_spanner(label=name, columns=cols, id=f"sp{cols[0]}")
    gt = gt.cols_align("left", columns=[ids[c] for c in columns if not _numeric_text(shown[c])])
    gt = gt.cols_align("right", columns=[ids[c] for c in columns if _numeric_text(shown[c])])
    if flags is not None:
        for col in columns:
            rows = [int(r) for r in range(len(flags)) if bool(flags[col].iloc[r])]
            if rows:
                gt = gt.tab_style(style.fill(FLAG_FILL), loc.body(columns=ids[col], rows=rows))
    if note:
        # The note as an element of its own (escaped as great-tables escapes a plain note):
        # the site's CSS keeps it in view and wraps it at the column's width while a wide
        # table scrolls in its box (the footer cell is as wide as the table: at 390 px the
        # note ran past the box's edge); the print filter (tables.lua) moves it under the table.
        gt = gt.tab_source_note(gt_html(f'<span class="{NOTE_CLASS}">{escape_html(note)}</span>'))
    wide = len(columns) > WIDE_COLUMNS
    scope = f"#{label.replace('-', '_')}"
    gt = gt.tab_options(
        table_width="100%",
        # Browser: the page themes set 17-19 px body text; tables read well at 13 px (12 px
        # when wide) and then fit the main column of a 1280 px window beside the sidebars
        # (measured in the browser test). `!important` because the PDF's size is inline.
        table_additional_css=[
            f"{scope} table.gt_table {{ font-size: {12 if len(columns) > DENSE_COLUMNS else 13}px"
            " !important; }"
        ],
        column_labels_font_weight="bold",
        data_row_padding="2px",
        data_row_padding_horizontal="4px",
        column_labels_padding="2px",
        column_labels_padding_horizontal="4px",
        row_group_padding="2px",
        row_group_font_weight="bold",
        source_notes_font_size="0.9em",
        container_overflow_x="visible",
        container_padding_y="0px",
        table_font_names=["inherit"],
        quarto_disable_processing=False,
    )
    html = scope_css(gt.as_raw_html(), scope)
    # PDF: Quarto carries a table's *inline* font-size into Typst (`set text(size: ...)`) and
    # nothing of the <style> block; in em of the body text so that A4 fits the widest table.
    size = PDF_FONT_WIDE if wide else PDF_FONT
    return html.replace(
        '<table class="gt_table"', f'<table style="font-size: {size};" class="gt_table"', 1
    )


_STYLE = re.compile(r"(<style>)(.*?)(</style>)", re.S)


def scope_css(html: str, scope: str) -> str:
    """Prefix every selector of the ``<style>`` blocks in ``html`` that is not already under
    ``scope`` (an id selector), so the rules reach only that table."""

    def fix_rules(css: str) -> str:
        out = []
        for rule in css.split("}"):
            if "{" not in rule:
                out.append(rule)
                continue
            selectors, body = rule.split("{", 1)
            if selectors.strip().startswith("@"):
                out.append(rule)
                continue
            fixed = []
            for sel in selectors.split(","):
                sel = sel.strip()
                fixed.append(sel if sel.startswith(scope) else f"{scope} {sel}")
            out.append(f"{', '.join(fixed)} {{{body}")
        return "}".join(out)

    return _STYLE.sub(lambda m: m.group(1) + fix_rules(m.group(2)) + m.group(3), html)


def _numeric_text(values: pd.Series) -> bool:
    """Whether a formatted column holds numbers (``0,361``, ``< 0,001``, ``1.200``, ``–``)."""
    pattern = re.compile(r"^(<[ \u00a0])?[-−]?[\d.]+(,\d+)?%?( †)?$|^–$|^∞$")
    vals = [str(v).strip() for v in values]
    return bool(vals) and all(pattern.match(v) for v in vals) and any(v != "–" for v in vals)
