"""The print copies' per-page cache (p3md.site.print_pages): an unchanged page is read back, a
changed one made again, and the PDF is the same with and without the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.fake_run import make_fake_run
from p3md import PROJECT_ROOT
from p3md.site import pdf as book_pdf
from p3md.site import print_pages, render_site, smalldocs_ui
from p3md.site.render import book_pages, load_config


def test_cache_makes_once_and_reads_back(tmp_path):
    cache = print_pages.PrintCache(tmp_path / "cache")
    page = print_pages.PrintPage(Path("a.html"), "1", "A", "<p>a</p>", "k1")
    made = []

    def make(text: str) -> str:
        made.append(text)
        return text

    assert cache.get("typst", page, lambda: make("one")) == "one"
    assert cache.get("typst", page, lambda: make("two")) == "one"  # read back, not made
    assert made == ["one"] and (cache.hits, cache.made) == (1, 1)
    # another kind of result of the same page is its own entry
    assert cache.get("docx", page, lambda: make("three")) == "three"
    # no folder: nothing kept
    off = print_pages.PrintCache(None)
    assert off.get("typst", page, lambda: make("four")) == "four"
    assert off.get("typst", page, lambda: make("five")) == "five"


def test_prune_drops_the_least_recently_used_but_never_this_builds(tmp_path):
    folder = tmp_path / "cache"
    old = print_pages.PrintCache(folder)
    for n in range(3):
        page = print_pages.PrintPage(Path(f"p{n}.html"), "", "", "", f"old{n}")
        old.get("typst", page, lambda: "x" * 1000)
    now = print_pages.PrintCache(folder)
    page = print_pages.PrintPage(Path("new.html"), "", "", "", "new")
    now.get("typst", page, lambda: "y" * 1000)
    now.prune("typst", limit=2500)  # room for two of the four entries
    left = sorted(p.stem for p in (folder / "typst").glob("*.txt"))
    assert "new" in left and len(left) == 2
    now.prune("typst", limit=0)  # an entry this build used stays whatever the limit
    assert [p.stem for p in (folder / "typst").glob("*.txt")] == ["new"]


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("print")
    made = make_fake_run(root / "run", root / "data")
    render_site(PROJECT_ROOT, made, renderer="smalldocs")
    return made


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_a_second_render_of_the_same_run_converts_no_page(run):
    """The pages' keys hold nothing that changes from render to render (times, folders)."""
    folder = print_pages.cache_folder(run)
    before = {p.relative_to(folder): p.stat().st_mtime_ns for p in folder.rglob("*.txt")}
    assert {p.parts[0] for p in before} == {"typst", "docx"}
    render_site(PROJECT_ROOT, run, renderer="smalldocs")
    after = {p.relative_to(folder): p.stat().st_mtime_ns for p in folder.rglob("*.txt")}
    assert after.keys() == before.keys()  # no entry made, none lost
    assert all(after[k] >= before[k] for k in before)  # each read back (touched)


def test_unchanged_pages_are_read_back_and_a_changed_page_is_made_again(run):
    cfg = load_config(run / "_quarto.yml")
    order = [(Path(src).with_suffix(".html"), num) for src, num in book_pages(cfg, run)]
    site = run / "site"
    words = smalldocs_ui.translations(cfg, "id")
    folder = print_pages.cache_folder(run)
    assert folder == run.parent / ".p3md-work" / print_pages.CACHE_DIR

    def build(cache: print_pages.PrintCache) -> str:
        pages, labels = print_pages.read_pages(site, order)
        made = book_pdf.typst_pdf(site, run, cfg, pages, labels, words, cache)
        return _pdf_text(made)

    build(print_pages.PrintCache(folder))  # the pages as they are now (with their links)
    warm = print_pages.PrintCache(folder)
    with_cache = build(warm)
    assert warm.made == 0 and warm.hits == len(order)
    assert build(print_pages.PrintCache(None)) == with_cache  # the same book without it
    # a changed page (here: its text) is converted again, and only that one
    page = next(p for p, _ in order if p.stem.startswith("03_"))
    html = (site / page).read_text(encoding="utf-8")
    (site / page).write_text(html.replace("</main>", "<p>Kalimat baru.</p></main>"), "utf-8")
    edited = print_pages.PrintCache(folder)
    text = build(edited)
    assert (edited.made, edited.hits) == (1, len(order) - 1)
    assert "Kalimat baru." in text


def test_pages_converted_in_one_call_come_back_each_as_its_own_page_alone(run, monkeypatch):
    """The PDF converts its pages in one pandoc call per core, split at a mark between
    pages (p3md.site.pdf.PAGE_MARK): the book's Typst source is the one converting each page
    alone gives, and a page whose own text holds the mark is still printed whole (its batch is
    converted page by page)."""
    cfg = load_config(run / "_quarto.yml")
    order = [(Path(src).with_suffix(".html"), num) for src, num in book_pages(cfg, run)]
    site = run / "site"
    words = smalldocs_ui.translations(cfg, "id")

    def source(cores: int) -> str:
        monkeypatch.setattr(book_pdf.os, "cpu_count", lambda: cores)
        pages, labels = print_pages.read_pages(site, order)
        made = book_pdf.typst_pdf(
            site, run, cfg, pages, labels, words, print_pages.PrintCache(None)
        )
        return (made.parent / "book.typ").read_text(encoding="utf-8")

    assert source(2) == source(len(order))  # two calls; one call per page
    page = next(p for p, _ in order if p.stem.startswith("03_"))
    html = (site / page).read_text(encoding="utf-8")
    mark = f"<p>{book_pdf.PAGE_MARK}00001</p><p>Setelah tanda.</p></main>"
    (site / page).write_text(html.replace("</main>", mark), "utf-8")
    text = source(1)  # the whole book in one call, which does not split: page by page
    assert f"{book_pdf.PAGE_MARK}00001" in text and "Setelah tanda." in text
    assert text.count(book_pdf.PAGE_MARK) == 1
