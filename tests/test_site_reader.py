"""The report as a reader sees it, without a browser: folded code, Indonesian interface, no CDN
script, the notebook link, and the book's PDF (pandoc + Typst path; Quarto's when on PATH)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from fixtures.fake_run import make_fake_run
from p3md import PROJECT_ROOT
from p3md.site import offline, render_site, smalldocs_ui
from p3md.site import pdf as book_pdf
from p3md.site.postprocess import add_notebook_links, add_pdf_link, publish_notebooks
from p3md.site.print_pages import PrintCache, drop_elements, read_pages

pypdf = pytest.importorskip("pypdf")
CFG = yaml.safe_load((PROJECT_ROOT / "_quarto.yml").read_text(encoding="utf-8"))

# What smalldocs 0.5.4 writes for a notebook code cell (copied from a built page)
SMALLDOCS_CELL = (
    '<div id="cell-3" class="cell">\n'
    '<div class="code-copy-outer-scaffold"><div class="sourceCode" id="cb1">'
    '<pre class="sourceCode python code-with-copy cell-code"><code class="sourceCode python">'
    '<span class="im">import</span> pandas</code></pre></div>'
    '<button title="Copy to Clipboard" class="code-copy-button"><i class="bi"></i></button></div>\n'
    '<div class="cell-output cell-output-display"><p>keluaran</p></div>\n</div>'
)
# What Quarto 1.10.18 writes into the head of a notebook page with a text/html output
QUARTO_HEAD = (
    '<script src="https://cdn.jsdelivr.net/npm/jquery@3.5.1/dist/jquery.min.js" '
    'integrity="sha384-x" crossorigin="anonymous"></script><script src="../site_libs/quarto-nav/'
    'quarto-nav.js"></script>\n<script src="https://cdn.jsdelivr.net/npm/requirejs@2.3.6/'
    'require.min.js" integrity="sha384-y" crossorigin="anonymous"></script>\n\n'
    "<script type=\"application/javascript\">define('jquery', [],function() "
    "{return window.jQuery;})</script>\n</head>"
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, object]:
    root = tmp_path_factory.mktemp("reader")
    run = make_fake_run(root / "run", root / "data")
    add_code_cell(run / "notebooks" / "03_instrument.ipynb")
    result = render_site(PROJECT_ROOT, run, renderer="smalldocs")
    return run, result


CODE = "kode_penanda_p3md = hitung(42)"  # a statement that must be folded, and absent from the PDF


def add_code_cell(notebook: Path) -> None:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    nb["cells"].append(
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": 9,
            "source": CODE,
            "outputs": [{"output_type": "stream", "name": "stdout", "text": "keluaran teks\n"}],
        }
    )
    notebook.write_text(json.dumps(nb), encoding="utf-8")


# ------------------------------------------------------------------ smalldocs interface
def test_code_is_folded_behind_the_configured_summary():
    summary = smalldocs_ui.code_summary(CFG)
    assert summary == "Tampilkan kode"
    doc, n = smalldocs_ui.fold_code(SMALLDOCS_CELL, summary)
    assert n == 1
    assert re.search(
        r'<details class="code-fold">\s*<summary>Tampilkan kode</summary>\s*'
        r'<div class="code-copy-outer-scaffold">.*?</pre></div><button[^>]*>.*?</button></div>'
        r"</details>\s*<div class=\"cell-output",
        doc,
        re.S,
    )
    # an output in <pre> (stdout) is not code: it stays open
    stdout = '<div class="cell-output cell-output-stdout"><pre><code>hasil</code></pre></div>'
    assert smalldocs_ui.fold_code(stdout, summary) == (stdout, 0)


def test_no_folding_when_code_fold_is_off():
    cfg = {"format": {"html": {"code-fold": False, "code-summary": "x"}}}
    assert smalldocs_ui.code_summary(cfg) is None


def test_translations_keyed_by_language_and_flat():
    words = smalldocs_ui.translations(CFG, "id")
    assert words["toc-title-website"] == "Daftar isi" and words["search-label"] == "Cari"
    assert smalldocs_ui.translations(CFG, "en") == {}  # English pages keep the English UI
    flat = {"lang": "id", "language": {"search-label": "Cari"}}
    assert smalldocs_ui.translations(flat, "id") == {"search-label": "Cari"}
    assert smalldocs_ui.translations(flat, "en") == {}


def test_interface_strings_are_translated():
    page = (
        '<input type="search" placeholder="Search" aria-label="Search">'
        '<h2 id="toc-title">On this page</h2><button title="Copy to Clipboard"></button>'
        "<p>Search engines are out of scope</p>"
    )
    out = smalldocs_ui.translate(page, smalldocs_ui.translations(CFG, "id"))
    assert 'placeholder="Cari" aria-label="Cari"' in out
    assert ">Daftar isi<" in out and 'title="Salin"' in out
    assert "<p>Search engines are out of scope</p>" in out  # only whole interface strings
    js = 'x.title = "Copied!"; show(\'<div class="search-none">No results</div>\')'
    out = smalldocs_ui.translate_script(js, smalldocs_ui.translations(CFG, "id"))
    assert '"Tersalin"' in out and ">Tidak ada hasil<" in out


def test_built_site_reads_in_indonesian_except_the_summary(built):
    run, _ = built
    site = run / "site"
    chapter = (site / "notebooks" / "03_instrument.html").read_text(encoding="utf-8")
    assert "On this page" not in chapter and 'placeholder="Search"' not in chapter
    method = (site / "pages" / "metode.html").read_text(encoding="utf-8")
    assert ">Daftar isi<" in method and "On this page" not in method
    assert "<summary>Tampilkan kode</summary>" in chapter
    assert re.search(
        r"<details[^>]*>\s*<summary>Tampilkan kode</summary>[^/]*?kode_penanda_p3md", chapter
    )
    # every code block of a chapter is inside a fold
    outside = re.sub(r"<details\b.*?</details>", "", chapter, flags=re.S)
    assert "cell-code" not in outside
    summary = (site / "pages" / "summary-en.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in summary and 'placeholder="Search"' in summary
    js = (site / "site_libs" / "smalldocs.js").read_text(encoding="utf-8")
    assert '"No results"' not in js and '"Copy to Clipboard"' not in js


# ------------------------------------------------------------------ notebooks, PDF link
def test_chapters_link_their_executed_notebook_without_machine_paths(built):
    run, _ = built
    site = run / "site"
    for nb in sorted((run / "notebooks").glob("*.ipynb")):
        page = (site / "notebooks" / nb.with_suffix(".html").name).read_text(encoding="utf-8")
        m = re.search(r'class="p3md-notebook[^"]*">Buku catatan: <a href="([^"]+)" download>', page)
        assert m, nb.name
        published = site / "notebooks" / m.group(1)
        assert published.is_file()
        assert json.loads(published.read_text(encoding="utf-8"))["cells"]
        assert str(run) not in published.read_text(encoding="utf-8")


def test_publish_notebooks_rewrites_machine_paths(tmp_path):
    run = tmp_path / "proj" / ".work" / "staging"
    (run / "notebooks").mkdir(parents=True)
    text = json.dumps(
        {"cells": [{"source": f'out_dir = "{run}"\ndata = "{tmp_path}/proj/data/raw"'}]}
    )
    (run / "notebooks" / "01_x.ipynb").write_text(text)
    site = tmp_path / "site"
    [out] = publish_notebooks(site, run, {str(run): "reports", f"{tmp_path}/proj/": ""})
    src = json.loads(out.read_text())["cells"][0]["source"]
    assert src == 'out_dir = "reports"\ndata = "data/raw"'
    assert add_notebook_links(site) == 0  # no page to link from


def test_pdf_link_in_every_sidebar(tmp_path):
    site = tmp_path / "site"
    (site / "pages").mkdir(parents=True)
    page = '<nav id="quarto-sidebar"><div class="sidebar-menu-container"><ul></ul></div></nav>'
    (site / "index.html").write_text(page)
    (site / "pages" / "a.html").write_text(page)
    (site / "site_libs").mkdir()
    (site / "site_libs" / "x.html").write_text(page)
    pdf = site / "buku.pdf"
    pdf.write_bytes(b"%PDF")
    assert add_pdf_link(site, pdf) == 2
    assert 'href="buku.pdf" download' in (site / "index.html").read_text()
    assert 'href="../buku.pdf" download' in (site / "pages" / "a.html").read_text()
    assert "Unduh PDF" in (site / "pages" / "a.html").read_text()
    assert add_pdf_link(site, pdf) == 0  # once


# ------------------------------------------------------------------ Quarto's widget loader
def test_quarto_widget_loader_is_dropped():
    out, n = offline.drop_widget_loader(QUARTO_HEAD)
    assert n == 3
    assert "cdn.jsdelivr" not in out and "define(" not in out
    assert '<script src="../site_libs/quarto-nav/quarto-nav.js"></script>' in out


def test_a_page_with_a_widget_keeps_the_loader(tmp_path):
    site, run = tmp_path / "site", tmp_path / "run"
    (site / "notebooks").mkdir(parents=True)
    (run / "notebooks").mkdir(parents=True)
    widget = {"data": {"application/vnd.jupyter.widget-view+json": {"model_id": "m"}}}
    for name, outputs in (("a", [widget]), ("b", [{"data": {"text/html": "<table></table>"}}])):
        (site / "notebooks" / f"{name}.html").write_text(QUARTO_HEAD)
        nb = {"cells": [{"cell_type": "code", "outputs": outputs}], "metadata": {}}
        (run / "notebooks" / f"{name}.ipynb").write_text(json.dumps(nb))
    warnings = offline.make_offline(site, run)
    assert len(warnings) == 1 and "a.html" in warnings[0]
    assert "cdn.jsdelivr" in (site / "notebooks" / "a.html").read_text()
    assert "cdn.jsdelivr" not in (site / "notebooks" / "b.html").read_text()


# ------------------------------------------------------------------ the PDF
def toc_lines(reader) -> list[str]:
    """The printed table of contents: the lines with dot leaders from the "Daftar isi" page on."""
    lines: list[str] = []
    started = False
    for page in reader.pages[:12]:
        text = page.extract_text()
        if not started and "Daftar isi" not in text and "Daftar Isi" not in text:
            continue
        found = [ln for ln in text.splitlines() if re.search(r"(\. ?){4,}\s*\d+\s*$", ln)]
        if started and not found:
            break
        started = True
        lines += found
    return lines


def assert_toc_chapters_and_sections(reader) -> list[str]:
    lines = toc_lines(reader)
    assert len(lines) >= 5
    deep = [ln for ln in lines if re.match(r"\s*([A-Z]|\d+)\.\d+\.\d+\s", ln)]
    assert not deep, deep  # no sub-sections
    assert any(re.match(r"\s*\d+\.\d+\s", ln) for ln in lines)  # sections
    return lines


def test_pdf_from_the_smalldocs_pages(built):
    run, result = built
    assert result.pdf is not None and result.pdf_engine == "pandoc-typst"
    assert result.pdf == run / "site" / book_pdf.pdf_name(CFG)
    reader = pypdf.PdfReader(str(result.pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    text = "\n".join(p.extract_text() for p in reader.pages)
    first = reader.pages[0].extract_text()
    assert CFG["book"]["title"].split()[0] in first and "rekonstruksi" in first
    assert "Daftar isi" in reader.pages[1].extract_text()
    # no code: the fake notebooks' code cells (imports, display calls) are not printed
    assert "keluaran teks" in text  # the cell's output is printed, its code is not
    for code in ("kode_penanda_p3md", "hitung(42)", "Tampilkan kode"):
        assert code not in text, code
    # captions keep the site's numbers; the bibliography is there
    assert re.search(r"Tabel \d+(\.\d+)?[.:]", text)
    assert "Daftar Pustaka" in text
    # table of contents: chapters and sections only, appendices lettered
    lines = assert_toc_chapters_and_sections(reader)
    assert any(re.match(r"1 Pendahuluan", ln) for ln in lines)
    assert any(re.match(r"F Summary in English", ln) for ln in lines)
    assert not (run / book_pdf.BUILD_DIR).exists()  # the build folder is cleaned up


def test_pdf_leaves_out_site_only_blocks_and_folds():
    body = (
        '<p>tetap</p><div class="p3md-site-only"><p>rincian per gerbang</p>'
        "<div><p>bersarang</p></div></div><details><summary>x</summary><p>lipat</p></details>"
        '<img src="a.png" alt=""><p class="p3md-downloads">Unduh</p><p>akhir</p>'
    )
    out = drop_elements(body)
    assert out == '<p>tetap</p><img src="a.png" alt=""><p>akhir</p>'
    # what the reader does not see: hidden elements, text only for screen readers (Quarto's
    # callout type before its title, its per-chapter bibliography for pop-ups)
    quarto = (
        '<div class="callout-title-container"><span class="screen-reader-only">Penting</span>'
        'Judul</div><div id="refs" style="display: none"><p>Dunn (1964)</p></div><p>akhir</p>'
    )
    assert drop_elements(quarto) == '<div class="callout-title-container">Judul</div><p>akhir</p>'


def test_print_copies_letter_quartos_appendices_once(tmp_path):
    """Quarto titles an appendix "Lampiran A — Kamus data"; the print copies put the letter
    before the title themselves ("A Kamus data"), so it is taken out of the title."""
    pages = {
        "a.html": '<main><h1 class="title">Lampiran A — Kamus data</h1><p>isi</p></main>',
        "b.html": '<main><h1 class="title">Appendix F — Summary in English</h1></main>',
        "c.html": '<main><h1 class="title">Bab A — bukan lampiran</h1></main>',
    }
    for name, doc in pages.items():
        (tmp_path / name).write_text(doc, encoding="utf-8")
    order = [(Path("a.html"), "A"), (Path("b.html"), "F"), (Path("c.html"), "3")]
    printed, _ = read_pages(tmp_path, order)
    assert [p.title for p in printed] == [
        "Kamus data",
        "Summary in English",
        "Bab A — bukan lampiran",
    ]


def test_word_copy_has_native_tables_captions_and_thesis_page_setup(built):
    """Issue 18, Deliver 7: the book as .docx beside the PDF, read back with python-docx."""
    docx = pytest.importorskip("docx")
    from docx.shared import Cm

    run, result = built
    assert result.docx is not None and result.docx.name.endswith(".docx")
    doc = docx.Document(str(result.docx))
    # native Word tables (not pictures of tables) that survive the round trip, with their cells
    assert len(doc.tables) >= 3
    assert all(len(t.rows) >= 1 and t.rows[0].cells for t in doc.tables)
    texts = [p.text for p in doc.paragraphs]
    assert any(re.match(r"Tabel \d+(\.\d+)?[.:]", t) for t in texts)  # captions keep numbers
    assert doc.styles["Table Note"].font.size.pt == 10  # for the tables' notes
    chapters = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert any(re.match(r"1 Pendahuluan", h) for h in chapters)  # numbered chapters
    assert any(re.match(r"F Summary in English", h) for h in chapters)  # lettered appendices
    for code in ("kode_penanda_p3md", "hitung(42)", "Tampilkan kode"):
        assert not any(code in t for t in texts), code
    # the reference document's thesis page set-up: A4, margins 4-3-3-3 cm, Times New Roman
    # 12 pt with 1.5 line spacing
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    margins = (section.left_margin, section.top_margin, section.right_margin, section.bottom_margin)
    assert [round(m.cm, 1) for m in margins] == [4.0, 3.0, 3.0, 3.0]
    body = doc.styles["Body Text"]
    assert doc.styles["Normal"].font.name == "Times New Roman"
    assert body.font.size.pt == 12 and body.paragraph_format.line_spacing == 1.5
    assert Cm(0) < section.page_width
    # linked beside the PDF on every page
    index = (run / "site" / "index.html").read_text(encoding="utf-8")
    assert f'href="{result.docx.name}" download' in index and "Unduh DOCX" in index


def test_word_copy_leaves_the_pdfs_build_folder_alone(built):
    """The PDF is built in ``<run>/_pdf/`` while the Word copy is made beside it (regression:
    the Word copy once removed that folder)."""
    from p3md.site import docx as book_docx
    from p3md.site.render import book_pages, load_config

    run, _ = built
    waiting = run / book_pdf.BUILD_DIR / "book.pdf"
    waiting.parent.mkdir(exist_ok=True)
    waiting.write_bytes(b"%PDF-1.7 typst")
    cfg = load_config(run / "_quarto.yml")
    order = [(Path(src).with_suffix(".html"), num) for src, num in book_pages(cfg, run)]
    printed, labels = read_pages(run / "site", order)
    made = book_docx.build_docx(run / "site", run, cfg, printed, labels, PrintCache(None))
    assert made.path.is_file() and waiting.read_bytes() == b"%PDF-1.7 typst"
    assert not (run / book_docx.BUILD_DIR).exists()
    shutil.rmtree(waiting.parent)


def test_smalldocs_chapters_and_sections_numbered_within_the_book():
    doc = (
        '<main><h1 class="title">Pendahuluan</h1>'
        '<h2><span class="header-section-number">1</span> Latar</h2>'
        '<h3><span class="header-section-number">1.1</span> Rinci</h3>'
        '<h2><span class="header-section-number">2</span> Rumusan</h2></main>'
    )
    once = smalldocs_ui.number_chapters(doc, "1")
    assert '<span class="chapter-number">1</span>' in once
    numbers = re.findall(r'header-section-number"[^>]*>([^<]*)<', once)
    assert numbers == ["1.1", "1.1.1", "1.2"]  # chapter 1's first section is 1.1, not 1
    assert smalldocs_ui.number_chapters(once, "1") == once  # once only
    appendix = smalldocs_ui.number_chapters(doc, "B")
    assert re.findall(r'header-section-number"[^>]*>([^<]*)<', appendix) == ["B.1", "B.1.1", "B.2"]
    unnumbered = smalldocs_ui.number_chapters(doc, "")
    assert "header-section-number" not in unnumbered and "chapter-number" not in unnumbered


def test_smalldocs_previous_next_links_and_plain_search_text(tmp_path):
    site = tmp_path / "site"
    (site / "pages").mkdir(parents=True)
    for name, title in (("index", "Tentang"), ("pages/a", "Bab A"), ("pages/b", "Bab B")):
        (site / f"{name}.html").write_text(
            f'<html><body><main><h1 class="title">{title}</h1><p>Awal {title} '
            '<a href="#ref-x" class="citation">Spearman, 1904</a>.</p>'
            "<details><summary>Tampilkan kode</summary><pre><code>save_table(x)</code></pre>"
            '</details><section id="s1"><h2>Bagian</h2><p>Isi <em>bagian</em>.</p></section>'
            "</main></body></html>",
            encoding="utf-8",
        )
    order = [(Path("index.html"), ""), (Path("pages/a.html"), "1"), (Path("pages/b.html"), "2")]
    for name in ("index", "pages/a", "pages/b"):  # smalldocs' sidebar, current page active
        path = site / f"{name}.html"
        links = "".join(
            f'<a href="{href}" class="sidebar-item-text sidebar-link'
            f'{" active" if target == name else ""}"><span class="menu-text">{title}</span></a>'
            for target, href, title in (
                ("pages/a", "pages/a.html" if name == "index" else "a.html", "Bab A"),
                ("pages/b", "pages/b.html" if name == "index" else "b.html", "Bab B"),
            )
        )
        path.write_text(path.read_text(encoding="utf-8").replace("<main>", links + "<main>"))
    assert smalldocs_ui.navigation(site, order) == 3
    a = (site / "pages/a.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="page-navigation.*?</nav>', a, re.S).group(0)
    assert 'href="../index.html"' in nav and 'href="b.html"' in nav
    assert '<span class="chapter-number">2</span>' in nav
    sidebar = a.split("<main>")[0]  # both chapters numbered, the current one too
    assert sidebar.count('class="chapter-number"') == 2, sidebar
    (site / "search.json").write_text(
        json.dumps(
            [
                {"href": "pages/a.html", "text": "Awal [@spearman1904] save_table(x)"},
                {"href": "pages/a.html#s1", "text": "Isi *bagian*"},
            ]
        ),
        encoding="utf-8",
    )
    assert smalldocs_ui.search_index(site) == 2
    entries = json.loads((site / "search.json").read_text(encoding="utf-8"))
    assert entries[0]["text"] == "Awal Bab A Spearman, 1904."
    assert entries[1]["text"] == "Isi bagian."


def _word_through_tables_filter(html: str, tmp_path: Path):
    """``html`` as a Word document by pandoc with the book's reference document and
    tables.lua, read back with python-docx."""
    docx = pytest.importorskip("docx")
    import pypandoc

    out = tmp_path / "t.docx"
    pypandoc.convert_text(
        html,
        "docx",
        format="html",
        outputfile=str(out),
        extra_args=[f"--reference-doc={book_pdf.TEMPLATES / 'reference.docx'}"],
        filters=[str(book_pdf.TABLES_FILTER)],
    )
    return docx.Document(str(out))


def test_tables_filter_puts_the_note_under_the_table(tmp_path):
    """templates/tables.lua: a table's footer (its note, one cell spanning every column) leaves
    the table, so that it cannot widen the last column: in Word a "Table Note" paragraph, in
    Typst a note under the table; a group row (one spanning cell) is left-aligned."""
    import pypandoc

    html = (
        "<table><caption>Tabel 1: Sebaran</caption><thead><tr><th>Kategori</th><th>n</th>"
        '</tr></thead><tbody><tr><td colspan="2">3–3</td></tr><tr><td>Tinggi</td><td>24</td>'
        '</tr></tbody><tfoot><tr><td colspan="2">Kelas interval pada rentang teoretis.</td>'
        "</tr></tfoot></table>"
    )
    doc = _word_through_tables_filter(html, tmp_path)
    (table,) = doc.tables
    assert "Kelas interval" not in " ".join(c.text for r in table.rows for c in r.cells)
    notes = [p.text for p in doc.paragraphs if p.style.name == "Table Note"]
    assert notes == ["Kelas interval pada rentang teoretis."]
    typ = pypandoc.convert_text(html, "typst", format="html", filters=[str(book_pdf.TABLES_FILTER)])
    assert "table.footer" not in typ and "p3md-with-note(" in typ
    assert "table.cell(align: left, colspan: 2)[#emph[3--3]]" in typ
    assert typ.count("table.hline(") == 2  # under the header, under the last row


def test_tables_filter_unwraps_quartos_table_float_for_word(tmp_path):
    """Quarto's pages hold a table float as ``<figure>`` around the table; pandoc's docx writer
    made it a one-cell "figure table" with the table nested inside and the caption under it (a
    reader's Word copy under Quarto, and the hostile test's names hidden from python-docx).
    tables.lua gives Word the table itself, its caption above it."""
    html = (
        '<div id="tbl-a" class="quarto-float"><figure class="quarto-float quarto-float-tbl">'
        "<figcaption>Tabel 3.1: Sebaran sampel</figcaption><div><div>"
        "<table><thead><tr><th>Kecamatan</th><th>n</th></tr></thead><tbody>"
        "<tr><td>&lt;script&gt;x&lt;/script&gt;</td><td>4</td></tr></tbody></table>"
        "</div></div></figure></div>"
    )
    doc = _word_through_tables_filter(html, tmp_path)
    (table,) = doc.tables  # one table, at the top level
    assert [c.text for c in table.rows[1].cells] == ["<script>x</script>", "4"]
    body = list(doc.element.body.iterchildren())
    tags = [e.tag.rsplit("}", 1)[1] for e in body]
    caption = next(p for p in doc.paragraphs if p.text == "Tabel 3.1: Sebaran sampel")
    assert caption.style.name == "Table Caption"
    assert body.index(caption._p) < tags.index("tbl")  # the caption above the table


@pytest.mark.parametrize(
    ("markdown", "title", "shown"),
    [
        (False, "<img src=x onerror=alert(1)> *a* @x", "<img src=x onerror=alert(1)> *a* @x"),
        (True, r"\*a\* &lt;b&gt;", "*a* <b>"),  # Quarto's book metadata: Markdown, escaped
    ],
)
def test_word_title_page_shows_the_books_metadata_as_text(tmp_path, markdown, title, shown):
    """The Word copy's title page reads the book's title and author as the renderer holds them
    (plain text under smalldocs, escaped Markdown under Quarto) and shows them as text."""
    docx = pytest.importorskip("docx")
    import pypandoc
    import yaml

    from p3md.site.docx import _title_meta

    meta = tmp_path / "title.yaml"
    cfg = {"book": {"title": title, "author": [title]}}
    meta.write_text(yaml.safe_dump(_title_meta(cfg, markdown)), encoding="utf-8")
    out = tmp_path / "t.docx"
    pypandoc.convert_text(
        "<p>x</p>",
        "docx",
        format="html",
        outputfile=str(out),
        extra_args=[f"--metadata-file={meta}"],
    )
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    assert texts[:2] == [shown, shown]
