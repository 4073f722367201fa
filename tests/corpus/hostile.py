"""The hostile corpus: attacker payloads in every string field a data folder carries.

Beside the broken-input corpus (:mod:`corpus.cases`, careless users), this one is written as an
attacker would write a data folder: script tags, event handlers, ``javascript:`` URLs, Typst
and Markdown control sequences, spreadsheet formulas, NUL bytes and paths outside the folder,
in the design (``design.yaml``), the codebook, the data (kecamatan names, answer labels) and a
form export's ``mapping.yaml``.

Every :class:`Payload` is one case. It is placed where it does not stop the run (``expect =
"render"``: the run must finish, no page may run a script, no download may hold a formula
cell, the text must show literally) or, where the input side refuses it by design, it must be
refused with one clear message (``expect = "refuse"``). Rendering cases share as few pipeline
runs as possible: :func:`build_single` writes *one* data folder (plus its codebook) holding
every rendering payload at once, and :func:`build_districts` a two-district folder whose
districts carry payloads in their ``design.yaml``.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from p3md import PROJECT_ROOT

RAW = PROJECT_ROOT / "data" / "raw"
CODEBOOK = PROJECT_ROOT / "data" / "codebook.yaml"


@dataclass(frozen=True)
class Payload:
    name: str
    text: str
    where: str  # the field it is placed in (for the report and the test ids)
    expect: str = "render"  # "render" | "refuse"

    def __str__(self) -> str:
        return self.name


#: JavaScript payloads: each would call ``alert`` with a number 90xx (a dialog the browser test
#: listens for). No quotes inside: a renderer's typographic quotes must not be what defuses one.
XSS = [
    ("script_tag", "<script>alert(9001)</script>"),
    ("img_onerror", "<img src=x onerror=alert(9002)>"),
    ("svg_onload", "<svg onload=alert(9003)>"),
    ("body_onload", "<body onload=alert(9004)>"),
    ("iframe_js", '<iframe src="javascript:alert(9005)"></iframe>'),
    ("a_js_href", '<a href="javascript:alert(9006)">klik</a>'),
    ("md_js_link", "[klik](javascript:alert(9007))"),
    ("attr_break", '" onmouseover="alert(9008)" x="'),
    ("details_ontoggle", "<details open ontoggle=alert(9009)>"),
    ("style_close", "</style><script>alert(9010)</script>"),
    ("textarea_close", "</textarea></title><img src=x onerror=alert(9011)>"),
    ("entity_js", "&lt;script&gt;alert(9012)&lt;/script&gt;"),
]
#: Spreadsheet formulas (OWASP CSV injection): leading =, +, -, @, tab, carriage return.
FORMULAS = [
    ("formula_hyperlink", '=HYPERLINK("http://x.invalid","y")'),
    ("formula_dde", "+1+cmd|' /C calc'!A0"),
    ("formula_at", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("formula_minus", "-2+3+cmd|' /C calc'!A0"),
    ("formula_tab", "\t=1+1"),
    ("formula_cr", "\r=1+1"),
]
_FORMULA_CR = dict(FORMULAS)["formula_cr"]
#: Typst and Markdown (Quarto) control sequences.
MARKUP = [
    ("typst_image", '#image("x") #read("/etc/passwd")'),
    ("typst_eval", '#eval("1+1") #set page(width: 1cm)'),
    ("typst_label", "<x> @x ]#[ *b* _i_"),
    ("md_shortcode", "{{< include /etc/passwd >}} {{< meta title >}}"),
    ("md_citation", "@yulistiani2023 [@wioi2024]"),
    ("md_math", "$x^2$ $$\\int$$"),
    ("md_link_image", "![x](http://x.invalid/a.png) [y](http://x.invalid)"),
    ("md_emphasis_code", "**b** _i_ `code` ~~s~~ | pipe |"),
    ("md_heading_fence", "# Judul palsu ``` ::: {.callout}"),
    ("html_comment", "<!-- sisa halaman hilang"),
]
#: Paths: shown as text, never followed.
PATHS = [
    ("path_outside", "../../../../etc/passwd"),
    ("path_absolute", "/etc/shadow"),
]


def render_payloads() -> list[tuple[str, str]]:
    return XSS + FORMULAS + MARKUP + PATHS


#: Payloads the input side refuses by design (secinput's lane); the test checks the message.
REFUSED = [
    Payload("nul_in_value", "Padang\x00Cermin", "village_frame.csv kecamatan", "refuse"),
    Payload("mapping_source_outside", "../../../../etc/passwd", "mapping.yaml source", "refuse"),
    Payload("mapping_source_absolute", "/etc/passwd", "mapping.yaml source", "refuse"),
    Payload("yaml_python_tag", "!!python/object/apply:os.system ['true']", "design.yaml", "refuse"),
    # A carriage return once split the tidy CSV's rows; the codebook refuses control
    # characters in its texts (codebook.model.text_problems). Kept as a formula payload for
    # the escaping tests (render_payloads): a data cell may still hold one.
    Payload(
        "codebook_cr_label", _FORMULA_CR, "codebook variables.X4.categories[0].label", "refuse"
    ),
]


# --------------------------------------------------------------------------- placement
#: Where each rendering payload goes: (field kind, payload names). Kecamatan names end up in
#: the data (village_frame, facilitators), the tables and the downloads; the rest in the
#: design and the codebook's free-text fields.
KECAMATAN = [
    "script_tag",
    "img_onerror",
    "svg_onload",
    "formula_hyperlink",
    "formula_dde",
    "formula_at",
    "formula_minus",
    "typst_image",
    "md_shortcode",
    "md_js_link",
    "attr_break",
]


def _p(name: str) -> str:
    return dict(render_payloads())[name]


def _kecamatan_names(n: int) -> list[str]:
    names = [_p(k) for k in KECAMATAN]
    assert n <= len(names), n
    return names[:n]


def _rewrite_csv(path: Path, column: str, mapping: dict[str, str]) -> None:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    j = rows[0].index(column)
    for r in rows[1:]:
        r[j] = mapping.get(r[j], r[j])
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def placements() -> Iterator[Payload]:
    """Every rendering payload with the field it is placed in by :func:`build_single`."""
    for k in KECAMATAN:
        yield Payload(k, _p(k), "design.yaml kecamatan name + data kecamatan column")
    for name, field in DESIGN_FIELDS.items():
        yield Payload(name, _p(name), f"design.yaml {field}")
    for name, field in CODEBOOK_FIELDS.items():
        yield Payload(name, _p(name), f"codebook {field}")
    for name, field in MAPPING_FIELDS.items():
        yield Payload(name, _p(name), f"form export + mapping.yaml: {field}")


#: design.yaml free-text fields (besides the kecamatan names). The site does not show the
#: province and the survey period (so they are checked for safety, not for literal text).
NOT_SHOWN = {"iframe_js", "a_js_href"}
DESIGN_FIELDS = {
    "body_onload": "district",
    "iframe_js": "province",
    "a_js_href": "survey_period",
    "typst_eval": "sampling.formula",
}
#: Codebook free-text fields.
CODEBOOK_FIELDS = {
    "details_ontoggle": "variables.Y.categories[0].label (a category label)",
    "style_close": "variables.Y1.categories[1].label",
    "textarea_close": "variables.X1.name_id (a variable name)",
    "entity_js": "scales.tinggi[3] (an answer label)",
    "formula_tab": "variables.X2.categories[0].label",
    "typst_label": "items[0].text (a question text)",
    "md_citation": "variables.X2.name_id",
    "md_math": "variables.Y2.name_id",
    "md_link_image": "roles.PLD.name_id and variables.X5.name_id",
    "md_emphasis_code": "files.village_frame.description_id",
    "md_heading_fence": "deviations[0].what.id",
    "html_comment": "variables.Y.categories[2].label",
    "path_outside": "variables.X3.name_id",
    "path_absolute": "meta.title_id (the study's title)",
}


#: A Google Forms export of official_ratings with its mapping.yaml.
MAPPING_FIELDS = {
    "img_onerror": "the export's file name (mapping.yaml source:)",
    "md_shortcode": "a question header (mapping.yaml header:)",
    "formula_hyperlink": "an answer label (mapping.yaml answers:, the export's cells)",
}


def _hostile_export(data: Path) -> None:
    """official_ratings as a Google Forms export + mapping.yaml (the `map` command's own
    output), then a payload as its file name, as one question's header and as one answer."""
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1]))
    from corpus import formats as fm

    export = fm.to_road(data, "google-forms", "official_ratings")
    doc = yaml.safe_load((data / "mapping.yaml").read_text(encoding="utf-8"))
    section = doc["files"]["official_ratings"]
    entry = next(c for c in section["columns"] if c.get("column") == "pd01")
    old_header, new_header = entry["header"], _p("md_shortcode")
    old_answer = next(a for a, code in entry["answers"].items() if code == 3)
    new_answer = _p("formula_hyperlink")
    rows = list(csv.reader(io.StringIO(export.read_text(encoding="utf-8"), newline="")))
    j = rows[0].index(old_header)
    rows[0][j] = new_header
    for r in rows[1:]:
        r[j] = new_answer if r[j] == old_answer else r[j]
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows(rows)
    renamed = data / f"{_p('img_onerror')} penilaian.csv"
    renamed.write_text(buf.getvalue(), encoding="utf-8")
    export.unlink()
    entry["header"] = new_header
    entry["answers"] = {
        (new_answer if a == old_answer else a): code for a, code in entry["answers"].items()
    }
    section["source"] = renamed.name
    (data / "mapping.yaml").write_text(
        yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


def build_single(out: Path) -> tuple[Path, Path]:
    """One data folder with every rendering payload at once: ``out/data`` (a district folder
    with its ``design.yaml``) and ``out/codebook.yaml``. Returns (data_dir, codebook_path)."""
    data = out / "data"
    shutil.copytree(RAW, data)
    cb = yaml.safe_load(CODEBOOK.read_text(encoding="utf-8"))
    design = cb["design"]
    old = [k["name"] for k in design["kecamatan"]]
    new = _kecamatan_names(len(old))
    for k, name in zip(design["kecamatan"], new, strict=True):
        k["name"] = name
    for name, field in DESIGN_FIELDS.items():
        target, _, key = field.rpartition(".")
        (design[target] if target else design)[key] = _p(name)
    # renamed kecamatan are not the thesis's Table 8: no comparison with published numbers
    design["compare_published"] = False
    (data / "design.yaml").write_text(
        yaml.safe_dump(design, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    mapping = dict(zip(old, new, strict=True))
    for f in ("village_frame.csv", "facilitators.csv"):
        _rewrite_csv(data / f, "kecamatan", mapping)
    _hostile_export(data)
    _codebook_payloads(cb)
    codebook = out / "codebook.yaml"
    codebook.write_text(yaml.safe_dump(cb, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data, codebook


def _codebook_payloads(cb: dict) -> None:
    v = cb["variables"]
    v["Y"]["categories"][0]["label"] = _p("details_ontoggle")
    v["Y1"]["categories"][1]["label"] = _p("style_close")
    v["X1"]["name_id"] = _p("textarea_close")
    cb["scales"]["tinggi"][3] = _p("entity_js")
    v["X2"]["categories"][0]["label"] = _p("formula_tab")
    cb["items"][0]["text"] = _p("typst_label")
    v["X2"]["name_id"] = _p("md_citation")
    v["Y2"]["name_id"] = _p("md_math")
    cb["roles"]["PLD"]["name_id"] = _p("md_link_image")
    v["X5"]["name_id"] = _p("md_link_image")
    cb["files"]["village_frame"]["description_id"] = _p("md_emphasis_code")
    cb["deviations"][0]["what"]["id"] = _p("md_heading_fence")
    v["Y"]["categories"][2]["label"] = _p("html_comment")
    v["X3"]["name_id"] = _p("path_outside")
    cb["meta"]["title_id"] = _p("path_absolute")
    cb["meta"]["author"] = _p("img_onerror")  # a second field for one payload


#: The two-district run: payloads in each district's design.yaml.
DISTRICT_FIELDS = {
    "script_tag": "district A's design.yaml district (its site's title, the districts' list)",
    "img_onerror": "district B's design.yaml district",
    "formula_hyperlink": "both districts' design.yaml province",
    "formula_dde": "a kecamatan of both districts (design.yaml and data)",
}


def cases() -> list[Payload]:
    """Every case of the corpus: rendered in the single run, in the two-district run, and
    refused by the input side."""
    multi = [Payload(f"districts_{k}", _p(k), w) for k, w in DISTRICT_FIELDS.items()]
    return [*placements(), *multi, *REFUSED]


def build_districts(out: Path, base: Path) -> Path:
    """Two districts (copies of ``base``'s first two district folders + its Wioi files) whose
    ``design.yaml`` names and kecamatan carry payloads."""
    shutil.copytree(base, out)
    folders = sorted(p for p in out.iterdir() if (p / "design.yaml").is_file())
    for extra in folders[2:]:
        shutil.rmtree(extra)
    names = [_p("script_tag") + " Kab A", _p("img_onerror") + " Kab B"]
    for folder, name in zip(folders[:2], names, strict=True):
        design = yaml.safe_load((folder / "design.yaml").read_text(encoding="utf-8"))
        design["district"] = name
        design["province"] = _p("formula_hyperlink")
        first = design["kecamatan"][0]["name"]
        design["kecamatan"][0]["name"] = _p("formula_dde")
        (folder / "design.yaml").write_text(
            yaml.safe_dump(design, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        for f in ("village_frame.csv", "facilitators.csv"):
            _rewrite_csv(folder / f, "kecamatan", {first: _p("formula_dde")})
    index = out / "districts.yaml"
    if index.is_file():
        doc = yaml.safe_load(index.read_text(encoding="utf-8"))
        if isinstance(doc, list):
            doc = doc[:2]
        index.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), "utf-8")
    return out
