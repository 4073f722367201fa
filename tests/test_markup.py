"""The escaping helpers (p3md.markup), the download neutraliser (p3md.site.downloads), and a
grep of the site and reporting code for data interpolated into markup outside the helpers."""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

import pytest

from p3md import PROJECT_ROOT
from p3md.markup import Md, html, md, md_code, md_join, typst_text
from p3md.reporting import text
from p3md.site import downloads as dl

sys.path.insert(0, str(Path(__file__).parent))
from corpus import hostile  # noqa: E402

PAYLOADS = [t for _, t in hostile.render_payloads()]


def test_the_hostile_corpus_has_at_least_30_cases():
    cases = hostile.cases()
    assert len(cases) >= 30 and len({(c.name, c.where) for c in cases}) == len(cases)
    assert {c.expect for c in cases} == {"render", "refuse"}


# ------------------------------------------------------------------ markdown
@pytest.mark.parametrize("payload", PAYLOADS, ids=[n for n, _ in hostile.render_payloads()])
def test_md_leaves_no_markup(payload):
    out = md(payload)
    assert "<" not in out and ">" not in out  # no raw HTML, no autolink
    assert "{{" not in out  # no Quarto shortcode
    assert "\n" not in out and "\r" not in out and "\x00" not in out  # one line, one cell
    # every Markdown-active character is escaped (a backslash before it)
    for ch in "`*[]|@$~^#{}\"'":
        assert re.search(rf"(?<!\\){re.escape(ch)}", out) is None, (ch, out)


def test_md_keeps_plain_text_and_numbers_as_they_are():
    assert md("Padang Cermin") == "Padang Cermin"
    assert md("raw.village_frame") == "raw.village_frame"  # intraword _ starts nothing
    assert md("-0,5") == "-0,5" and md("0.361") == "0.361"
    assert md("1. Pendahuluan") == "1\\. Pendahuluan"  # not an ordered list
    assert md("- x") == "\\- x" and md(": cap {#tbl-x}").startswith("\\:")
    assert md("a & b <c>") == "a &amp; b &lt;c&gt;"
    assert md(md("<x>")) == md("<x>")  # Md is not escaped twice
    assert md_join(["a_", "<b>"]) == "a\\_, &lt;b&gt;"


def test_md_code_only_for_plain_values():
    assert md_code("^V\\d{3}$") == "`^V\\d{3}$`"
    assert md_code("data/raw/village_frame.csv") == "`data/raw/village_frame.csv`"
    assert md_code("{{< include x >}}") == md("{{< include x >}}")  # never a code span
    assert md_code("a`b") == "a\\`b"
    assert md_code("") == ""


def test_html_and_typst():
    assert str(html("<img src=x onerror=alert(1)>")) == "&lt;img src=x onerror=alert(1)&gt;"
    assert str(html('" onmouseover="x')) == "&#34; onmouseover=&#34;x"
    assert typst_text('#image("x") \\ ok') == '#"#image(\\"x\\") \\\\ ok"'


def test_sentences_escape_what_they_are_given():
    """A codebook label reaches a computed sentence as text (issue 19: it fired as HTML)."""
    s = text.category_sentence("Tingkat kinerja PLD", "<details open ontoggle=alert(1)>")
    assert "<details" not in s and "&lt;details open ontoggle=alert(1)&gt;" in s
    assert isinstance(s, Md)
    s = text.league_sentence.__doc__  # the synthesis sentences escape names too
    assert text.join_list(["X2", "X4", "X7"]) == "X2, X4 dan X7"
    assert text.join_list(["@key", "$x$"]) == "\\@key dan \\$x\\$"
    s = text.files_written_sentence(["a.csv", "<b>.csv"], "derived/")
    assert "`a.csv`" in s and "&lt;b&gt;.csv" in s and "`derived/`" in s


# ------------------------------------------------------------------ downloads
@pytest.mark.parametrize(
    ("value", "formula"),
    [
        ('=HYPERLINK("http://x","y")', True),
        ("+1+cmd|' /C calc'!A0", True),
        ("-2+3", True),
        ("@SUM(1+1)", True),
        ("\t=1+1", True),
        ("\r=1+1", True),
        ("-0.5", False),
        ("-0,5", False),
        ("+3", False),
        ("-1e-05", False),
        ("12%", False),
        ("Padang Cermin", False),
        ("", False),
        ("a=b", False),
    ],
)
def test_is_formula(value, formula):
    assert dl.is_formula(value) is formula
    assert dl.neutralise(value) == ("'" + value if formula else value)


def test_neutralise_csv_keeps_numbers_delimiter_and_untouched_files(tmp_path):
    rows = [
        ["kecamatan", "r", "n"],
        ['=HYPERLINK("http://x","y")', "-0.5", "3"],
        ["\r=1+1", "-1e-05", "-2"],
        ["Way Ratai", "0.25", "+4"],
    ]
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=";", lineterminator="\r\n").writerows(rows)
    path = tmp_path / "x.csv"
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
    assert dl.neutralise_csv(path) == 2
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    back = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert back == [
        ["kecamatan", "r", "n"],
        ['\'=HYPERLINK("http://x","y")', "-0.5", "3"],
        ["'\r=1+1", "-1e-05", "-2"],
        ["Way Ratai", "0.25", "+4"],
    ]
    clean = tmp_path / "clean.csv"
    clean.write_bytes(b"a,b\n-0.5,x\n")
    assert dl.neutralise_csv(clean) == 0 and clean.read_bytes() == b"a,b\n-0.5,x\n"


def test_neutralise_xlsx_text_and_real_formulas(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["kecamatan", "r"])
    ws.append(["@SUM(1+1)", -0.5])
    ws["C2"] = "=1+1"  # a real formula cell
    path = tmp_path / "x.xlsx"
    wb.save(path)
    assert dl.neutralise_xlsx(path) == 2
    ws = openpyxl.load_workbook(path).active
    assert ws["A2"].value == "'@SUM(1+1)" and ws["B2"].value == -0.5
    assert ws["C2"].value == "'=1+1" and ws["C2"].data_type == "s"


# ------------------------------------------------------------------ grep
#: The modules that write Markdown from a run's values.
MARKUP_MODULES = ["src/p3md/site/pages.py", "src/p3md/reporting/text.py"]
#: The literal part of an f-string that builds markup: a table cell, a link, a tag, code, a
#: heading, a caption line, a list item, bold.
MARKUP_LITERAL = re.compile(r"\||\]\(|<|`|\{#|\*\*")
#: ... or starts a block: a list item, a caption line, a heading.
MARKUP_START = re.compile(r"^(\\n)*([-:] |#)")
#: Fields that are safe in markup: a helper's result, or the project's own numbers and words.
SAFE_FIELD = re.compile(
    r"^(cell|link|spss|found|where|column|anchor|md|md_code|md_join|_link|html|typst_text|typst_string|len|sum|str\(len|int"
    r"|_status|_grouped|fence|up|opened|VALIDATION_CSV|n_checks|n_failed|failed|ok|rest|args"
    r"|numbering)\b"
)


def test_no_data_reaches_markup_outside_the_helpers():
    """A grep (the issue asks for one): in the modules that write Markdown from the run, every
    `{...}` of an f-string that builds markup is a helper call or the project's own number or
    word; a line whose values are escaped by its caller says so with `# escaped: <why>`."""
    problems = []
    for rel in MARKUP_MODULES:
        for n, line in enumerate((PROJECT_ROOT / rel).read_text().splitlines(), 1):
            if "# escaped:" in line:
                continue
            for m in re.finditer(r"\bf(\"|')(.*?)(?<!\\)\1", line):
                literal = re.sub(r"(?<!\{)\{[^{}]+\}(?!\})", "", m.group(2))
                if not (MARKUP_LITERAL.search(literal) or MARKUP_START.match(m.group(2))):
                    continue
                for field in re.findall(r"(?<!\{)\{([^{}]+)\}(?!\})", m.group(2)):
                    if not SAFE_FIELD.match(field.strip()):
                        problems.append(f"{rel}:{n}: {{{field.strip()}}} in {m.group(0)[:70]}")
    assert not problems, "unescaped interpolation into markup:\n" + "\n".join(problems)


def test_the_grep_finds_the_issue_19_caption():
    """The grep would have caught the caption of issue 19."""
    assert not SAFE_FIELD.match("design['district']")
    # md_table made it a caption line (`: ...`), which the grep checks: its callers escape
    assert MARKUP_START.match(": {caption}") and "# escaped:" in next(
        ln
        for ln in (PROJECT_ROOT / MARKUP_MODULES[0]).read_text().splitlines()
        if '": {caption}' in ln
    )
    assert MARKUP_LITERAL.search("[x](y)") and MARKUP_START.match("- {name}")


# ------------------------------------------------------------------ tidy CSV
def test_tidy_csv_round_trips_a_carriage_return(tmp_path):
    """A codebook label with a CR once split rows of derived/facilitators_scored.csv (44 rows
    read back as 59): such a file is written with its text cells quoted."""
    import pandas as pd

    from p3md.io.tidy import write_tidy_csv

    frame = pd.DataFrame(
        {"kecamatan": ["\r=1+1", "Way Ratai", None], "r": [-0.5, 0.25, 1.0], "n": [1, 2, 3]}
    )
    path = write_tidy_csv(frame, tmp_path / "cr.csv")
    back = pd.read_csv(path)  # the stages' reader: three rows, numbers as numbers
    assert len(back) == 3 and back["kecamatan"].iloc[1] == "Way Ratai"
    assert back["r"].tolist() == [-0.5, 0.25, 1.0] and back["n"].tolist() == [1, 2, 3]
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode(), newline="")))
    assert len(rows) == 4 and rows[1][0] == "\r=1+1"  # the label itself, CR included
    plain = frame.assign(kecamatan=["a", "b", None])
    write_tidy_csv(plain, tmp_path / "plain.csv")
    assert (tmp_path / "plain.csv").read_text() == plain.to_csv(index=False, lineterminator="\n")
