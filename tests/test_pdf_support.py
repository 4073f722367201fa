"""The PDF checks of ``pdf_support`` on small, hand-made inputs (no renderer): each must find
the fault it is for, and nothing in a correct page."""

from __future__ import annotations

from pdf_support import html_references, overprinted_words, unprinted_references

PAGE = (
    '<main><p>Sebaran sampel per kecamatan disajikan pada <a href="#tbl-sampel" '
    'class="quarto-xref">Tabel&nbsp;<span>3.1</span></a>.</p>\n'
    '<ul><li><a href="a.html#tbl-b" class="quarto-xref">Tabel&nbsp;3.2</a>: Uji beda</li></ul>'
    "</main>"
)


def _site(tmp_path):
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01.html").write_text(PAGE, encoding="utf-8")
    return tmp_path, ["notebooks/01.html"]


def test_references_are_read_with_their_sentence(tmp_path):
    site, pages = _site(tmp_path)
    refs = html_references(site, pages)
    assert [(r[2], r[3]) for r in refs] == [("Tabel\xa03.1", "."), ("Tabel\xa03.2", ": Uji beda")]
    assert refs[0][1].endswith("disajikan pada ")
    assert refs[1][1] == ""


def test_a_bare_number_for_a_cross_reference_is_found(tmp_path):
    # Quarto's Typst PDF printed the 15th item of an example list for @tbl-sampel (issue 18)
    site, pages = _site(tmp_path)
    pdf = "Sebaran sampel per kecamatan disajikan pada 15.\n• Tabel 3.2: Uji beda\n"
    (problem,) = unprinted_references(site, pages, pdf)
    assert "notebooks/01.html" in problem and "pada15." in problem


def test_references_printed_as_on_the_site_pass(tmp_path):
    # line breaks, a word hyphenated at the line's end and a bullet do not matter
    site, pages = _site(tmp_path)
    pdf = "Sebaran sampel per keca-\nmatan disajikan pada Tabel\n3.1.\n• Tabel 3.2: Uji\nbeda"
    assert unprinted_references(site, pages, pdf) == []
    # another number is not the site's reference
    assert unprinted_references(site, pages, pdf.replace("3.1.", "3.4.")) != []


def test_overprinted_words():
    a = {"text": "44", "x0": 10, "x1": 20, "top": 100, "bottom": 110}
    b = {"text": "16", "x0": 12, "x1": 22, "top": 101, "bottom": 111}
    c = {"text": "28", "x0": 30, "x1": 40, "top": 100, "bottom": 110}
    assert overprinted_words([a, b, c]) == [("44", "16")]
