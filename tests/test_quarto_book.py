"""Quarto's book rendered again only where its sources changed (p3md.site.quarto_book): which
chapters a change reaches, when the whole book is rendered after all, and (with Quarto on
PATH) that a partial render in a new run folder gives the pages a whole render gives."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from p3md.site import quarto_book


def _project(root: Path) -> Path:
    """A small book: two chapters, one including a generated part and naming a figure."""
    (root / "_generated").mkdir(parents=True)
    (root / "figures").mkdir()
    (root / "derived").mkdir()
    (root / "pages").mkdir()
    (root / "_quarto.yml").write_text("project:\n  type: book\n", encoding="utf-8")
    (root / "index.qmd").write_text("# Awal\n", encoding="utf-8")
    (root / "pages" / "a.qmd").write_text(
        "# A\n\n{{< include /_generated/a-part.qmd >}}\n", encoding="utf-8"
    )
    (root / "_generated" / "a-part.qmd").write_text(
        "Bagian.\n\n![Gambar](/figures/g.png)\n", encoding="utf-8"
    )
    (root / "figures" / "g.png").write_bytes(b"png-1")
    (root / "figures" / "unused.png").write_bytes(b"png-1")
    (root / "derived" / "hasil.csv").write_text("a\n1\n", encoding="utf-8")
    (root / "manifest.json").write_text("{}", encoding="utf-8")
    return root


CHAPTERS = ["index.qmd", "pages/a.qmd"]


def _changed(before: dict, root: Path) -> tuple[list[str] | None, str]:
    return quarto_book.changed_chapters(before, quarto_book.read_sources(root, CHAPTERS, "site"))


def test_a_change_reaches_only_the_chapters_that_read_it(tmp_path):
    root = _project(tmp_path / "run")
    before = quarto_book.read_sources(root, CHAPTERS, "site")
    assert _changed(before, root) == ([], "0 of 2 chapters changed")
    # the stages' data and the run's record: no page names them, no page changes
    (root / "derived" / "hasil.csv").write_text("a\n2\n", encoding="utf-8")
    (root / "figures" / "unused.png").write_bytes(b"png-2")
    (root / "manifest.json").write_text('{"x": 1}', encoding="utf-8")
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("output, not a source", encoding="utf-8")
    assert _changed(before, root)[0] == []
    # an included part and the figure it names belong to the chapter that includes it
    (root / "figures" / "g.png").write_bytes(b"png-2")
    assert _changed(before, root)[0] == ["pages/a.qmd"]
    (root / "_generated" / "a-part.qmd").write_text("Lain.\n", encoding="utf-8")
    assert _changed(before, root)[0] == ["pages/a.qmd"]
    (root / "index.qmd").write_text("# Awal lagi\n", encoding="utf-8")
    assert _changed(before, root)[0] == ["index.qmd", "pages/a.qmd"]


def test_a_shared_file_a_new_chapter_or_no_state_renders_the_whole_book(tmp_path):
    root = _project(tmp_path / "run")
    before = quarto_book.read_sources(root, CHAPTERS, "site")
    assert quarto_book.changed_chapters(None, before) == (None, "no earlier render kept")
    old_layout = {**before, "format": quarto_book.FORMAT + 1}
    assert quarto_book.changed_chapters(old_layout, before)[0] is None
    other_quarto = {**before, "quarto": ["/opt/other/quarto", 1, 2]}
    assert quarto_book.changed_chapters(other_quarto, before) == (
        None,
        "another Quarto made the earlier render",
    )
    (root / "pages" / "b.qmd").write_text("# B\n", encoding="utf-8")
    now = quarto_book.read_sources(root, [*CHAPTERS, "pages/b.qmd"], "site")
    assert quarto_book.changed_chapters(before, now) == (None, "the chapter list changed")
    now = quarto_book.read_sources(root, CHAPTERS[::-1], "site")
    assert quarto_book.changed_chapters(before, now)[0] is None
    now = quarto_book.read_sources(root, CHAPTERS[:1], "site")
    assert quarto_book.changed_chapters(before, now)[0] is None
    (root / "_quarto.yml").write_text("project:\n  type: book\n# edit\n", encoding="utf-8")
    todo, why = _changed(before, root)
    assert todo is None and "_quarto.yml" in why


def _fake_quarto(log: list[list[str] | None]) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Write what Quarto would: the pages and its index (a title and a cross-reference per
    chapter) for every chapter asked for."""

    def render(run_dir: Path, files: list[str] | None = None) -> subprocess.CompletedProcess[str]:
        log.append(files)
        qdir = run_dir / quarto_book.QUARTO_DIR
        (qdir / "xref").mkdir(parents=True, exist_ok=True)
        (qdir / "idx" / "pages").mkdir(parents=True, exist_ok=True)
        index_path = qdir / "xref" / "INDEX"
        index = json.loads(index_path.read_text()) if index_path.is_file() else {}
        for src in files or CHAPTERS:
            text = (run_dir / src).read_text(encoding="utf-8")
            out = run_dir / "site" / Path(src).with_suffix(".html")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
            name = src.replace("/", "_")
            index[src] = {out.name: name}
            (qdir / "xref" / name).write_text(json.dumps({"entries": [{"key": "tbl-a"}]}))
            heading = text.splitlines()[0].lstrip("# ")
            (qdir / "idx" / f"{src}.json").write_text(json.dumps({"title": heading}))
        index_path.write_text(json.dumps(index))
        return subprocess.CompletedProcess(["quarto"], 0, "", "")

    return render


def test_partial_render_in_a_new_run_folder_and_its_fallback(tmp_path, monkeypatch):
    log: list[list[str] | None] = []
    monkeypatch.setattr(quarto_book, "quarto_render", _fake_quarto(log))
    state = tmp_path / "work" / quarto_book.STATE_DIR
    first = _project(tmp_path / "run1")
    done = quarto_book.render_book(first, CHAPTERS, "site", state)
    assert done.rendered is None and log == [None]
    # the next run's folder (a new staging folder): only the edited chapter is rendered, and
    # the other page comes from the kept render
    second = tmp_path / "run2"
    shutil.copytree(first, second, ignore=shutil.ignore_patterns("site", ".quarto"))
    (second / "_generated" / "a-part.qmd").write_text("Bagian baru.\n", encoding="utf-8")
    done = quarto_book.render_book(second, CHAPTERS, "site", state)
    assert done.rendered == ["pages/a.qmd"] and log[-1] == ["pages/a.qmd"]
    assert (second / "site" / "index.html").read_text() == "# Awal\n"
    assert (second / "site" / "pages" / "a.html").read_text().startswith("# A")
    # nothing changed: no Quarto at all, the kept pages as they were
    third = tmp_path / "run3"
    shutil.copytree(second, third, ignore=shutil.ignore_patterns("site", ".quarto"))
    done = quarto_book.render_book(third, CHAPTERS, "site", state)
    assert done.rendered == [] and done.proc is None and len(log) == 2
    assert (third / "site" / "pages" / "a.html").is_file()
    # a changed chapter title shows in every page's sidebar: the whole book after all
    (third / "pages" / "a.qmd").write_text("# B\n", encoding="utf-8")
    done = quarto_book.render_book(third, CHAPTERS, "site", state)
    assert done.rendered is None and "title" in done.why
    assert log[-2:] == [["pages/a.qmd"], None]
    # no kept state (no work folder): always whole, nothing kept
    done = quarto_book.render_book(third, CHAPTERS, "site", None)
    assert done.rendered is None and log[-1] is None


def test_an_incomplete_kept_render_renders_the_whole_book(tmp_path, monkeypatch):
    log: list[list[str] | None] = []
    monkeypatch.setattr(quarto_book, "quarto_render", _fake_quarto(log))
    state = tmp_path / "work" / quarto_book.STATE_DIR
    run = _project(tmp_path / "run1")
    quarto_book.render_book(run, CHAPTERS, "site", state)
    shutil.rmtree(state / quarto_book.QUARTO_DIR)
    done = quarto_book.render_book(run, CHAPTERS, "site", state)
    assert done.rendered is None and done.why == "the kept render is incomplete"
    assert (state / quarto_book.QUARTO_DIR).is_dir()  # kept again


def _book(root: Path) -> Path:
    """A small Quarto book: a chapter with a table and an included part, another chapter that
    refers to that table (its number comes from the first chapter's place in the book)."""
    (root / "pages").mkdir(parents=True)
    (root / "_generated").mkdir()
    (root / "_quarto.yml").write_text(
        "project:\n  type: book\n  output-dir: site\nbook:\n  title: T\n"
        "  chapters:\n  - index.qmd\n  - pages/a.qmd\n  - pages/b.qmd\n",
        encoding="utf-8",
    )
    (root / "index.qmd").write_text("# Awal\n\nBuku kecil.\n", encoding="utf-8")
    (root / "pages" / "a.qmd").write_text(
        "# Bab A\n\n{{< include /_generated/a-part.qmd >}}\n\n"
        "| x |\n|---|\n| 1 |\n\n: Tabel satu {#tbl-a}\n",
        encoding="utf-8",
    )
    (root / "_generated" / "a-part.qmd").write_text("Bagian lama.\n", encoding="utf-8")
    (root / "pages" / "b.qmd").write_text("# Bab B\n\nLihat @tbl-a.\n", encoding="utf-8")
    return root


def _page_content(site: Path) -> dict[str, tuple[list[str], str]]:
    """Each HTML page's ids and text (Quarto writes a cell's attributes in no fixed order)."""
    import re

    out = {}
    for page in sorted(site.rglob("*.html")):
        doc = page.read_text(encoding="utf-8")
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", doc))
        out[str(page.relative_to(site))] = (sorted(re.findall(r'\bid="([^"]+)"', doc)), text)
    return out


def _next_run(before: Path, after: Path) -> Path:
    """The runner's next staging folder: the sources again, without Quarto's output."""
    shutil.copytree(before, after, ignore=shutil.ignore_patterns("site", ".quarto"))
    return after


@pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto is not on PATH")
def test_with_quarto_a_partial_render_gives_the_pages_of_a_whole_render(tmp_path):
    """With real Quarto: an edited include renders only its chapter again, in a new run
    folder, and every page (the others from the kept render) equals a whole render's; a chapter
    whose cross-reference targets change renders the whole book."""
    state = tmp_path / "work" / quarto_book.STATE_DIR
    chapters = ["index.qmd", "pages/a.qmd", "pages/b.qmd"]
    first = _book(tmp_path / "run1")
    done = quarto_book.render_book(first, chapters, "site", state)
    assert done.rendered is None and done.proc is not None and done.proc.returncode == 0
    second = _next_run(first, tmp_path / "run2")
    (second / "_generated" / "a-part.qmd").write_text("Bagian baru.\n", encoding="utf-8")
    done = quarto_book.render_book(second, chapters, "site", state)
    assert done.rendered == ["pages/a.qmd"], done.why
    assert "Bagian baru." in (second / "site" / "pages" / "a.html").read_text(encoding="utf-8")
    whole = _next_run(second, tmp_path / "run3")
    assert quarto_book.quarto_render(whole).returncode == 0
    assert _page_content(second / "site") == _page_content(whole / "site")
    # a second table in chapter A: its targets change (chapter B's reference must be checked)
    third = _next_run(second, tmp_path / "run4")
    extra = "\n| y |\n|---|\n| 2 |\n\n: Tabel dua {#tbl-a2}\n"
    with (third / "pages" / "a.qmd").open("a", encoding="utf-8") as fh:
        fh.write(extra)
    done = quarto_book.render_book(third, chapters, "site", state)
    assert done.rendered is None and "numbers" in done.why


@pytest.mark.skipif(shutil.which("quarto") is None, reason="quarto is not on PATH")
def test_index_of_real_quarto_names_titles_and_cross_references(tmp_path):
    """What :func:`quarto_book.interface` reads is where Quarto 1.x keeps it."""
    root = _book(tmp_path / "book")
    proc = quarto_book.quarto_render(root)
    assert proc.returncode == 0, proc.stderr
    seen = quarto_book.interface(root, ["pages/a.qmd"])["pages/a.qmd"]
    assert seen["title"] == "Bab A"
    assert [json.loads(e)["key"] for e in seen["xref"]] == ["tbl-a"]
