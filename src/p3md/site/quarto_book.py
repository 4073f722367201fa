"""Quarto's HTML of the book, rendered again only where its sources changed.

``quarto render`` of the whole book takes about 34 s on 2 cores (one pandoc per chapter), and
a one-stage edit changes a handful of its twenty-odd chapters. Quarto itself renders a subset
of a project's files (``quarto render a.ipynb b.qmd``) into an output folder that holds the
rest, using its own index of the book in ``.quarto/`` (chapter titles, cross-reference
numbers, citations), and it keeps the search index whole. So after each render the raw output
folder, ``.quarto/`` and the hash of every source are kept in the work folder beside the report
folders (``.p3md-work/quarto-book``, never committed, like the staging folders); the next render
in a new staging folder starts from them and renders only the chapters whose sources changed.

What a chapter's sources are: its file, the files its ``{{< include >}}`` shortcodes name
(recursively) and the run's files it names (an image, a table). Every other file Quarto may
read (``_quarto.yml``, the print rules, the bibliography, the style) is shared: a change there,
a chapter added or removed, or no kept state renders the whole book. Why not only Quarto's
``--cache``/``freeze``: those skip executing code (the notebooks are already executed here), not
the per-chapter pandoc run, which is the cost.

What a chapter shows of the others is checked, not assumed: the chapter titles (the sidebar
and the previous/next links of every page), its cross-reference targets and their numbers, and
the works it cites (the bibliography page). They are read from ``.quarto/`` before and after the
partial render; if they differ for a re-rendered chapter, the whole book is rendered after all.
The state is chosen by content, so report folders beside each other share one slot safely: a
state from another book differs in its shared files and renders the whole book.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from p3md.pipeline.atomic import OWNER_FILE
from p3md.pipeline.hashing import sha256_file, sha256_json
from p3md.pipeline.manifest import MANIFEST_NAME
from p3md.site.pdf import BUILD_DIR

#: the state's folder in the work folder
STATE_DIR = "quarto-book"
#: the hashes of the last render's sources, in the state folder
SOURCES_FILE = "sources.json"
#: the layout of :data:`SOURCES_FILE` (a state written by another layout is not used)
FORMAT = 1
#: Quarto's own folder in the project (its index of the book)
QUARTO_DIR = ".quarto"
#: run folders whose files Quarto reads only when a chapter names one (the stages' data)
DATA_DIRS = frozenset({"derived", "gates", "downloads", "tables", "figures"})
#: files a run folder holds that no render reads (the run's record and owner, the PDF's build
#: folder)
NOT_READ = frozenset({MANIFEST_NAME, OWNER_FILE, BUILD_DIR})
#: included files (the generated pages' parts): each belongs to the chapters that include it
GENERATED_DIR = "_generated"
_INCLUDE = re.compile(r"\{\{<\s*include\s+([^\s>]+)\s*>\}\}")
#: a path a chapter names: a Markdown link or image target, or an HTML src/href
_NAMED = re.compile(r"\]\(([^)\s]+)|(?:src|href)=\\?[\"']([^\"'\\]+)")


@dataclass
class BookRender:
    """What :func:`render_book` did: ``rendered`` the chapters Quarto rendered (``None``: the
    whole book), ``why`` the reason in words, ``proc`` Quarto's last process (``None`` when
    nothing needed rendering)."""

    rendered: list[str] | None
    why: str
    proc: subprocess.CompletedProcess[str] | None


def quarto_render(
    run_dir: Path, files: list[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``quarto render [files...] --to html`` in the run folder (the whole project without
    ``files``), its output captured."""
    target = list(files) if files else [str(run_dir)]
    return subprocess.run(
        ["quarto", "render", *target, "--to", "html"],
        cwd=run_dir,
        capture_output=True,
        text=True,
        check=False,
    )


def _named_files(run_dir: Path, path: Path, seen: set[Path]) -> None:
    """Add ``path`` and the run's files it includes or names (recursively for includes); a
    file outside the run folder is not read."""
    if path in seen or not path.is_file() or not path.is_relative_to(run_dir):
        return
    seen.add(path)
    text = path.read_text(encoding="utf-8", errors="replace")
    for m in _INCLUDE.finditer(text):
        ref = m.group(1)
        inc = run_dir / ref.lstrip("/") if ref.startswith("/") else path.parent / ref
        _named_files(run_dir, inc.resolve(), seen)
    for m in _NAMED.finditer(text):
        ref = (m.group(1) or m.group(2) or "").split("#")[0].split("?")[0]
        if not ref or "://" in ref or ref.startswith(("data:", "mailto:")):
            continue
        for cand in (path.parent / ref, run_dir / ref.lstrip("/")):
            try:
                cand = cand.resolve()
            except OSError:
                continue
            if cand.is_file() and cand.is_relative_to(run_dir) and cand not in seen:
                seen.add(cand)


def read_sources(run_dir: Path, chapters: list[str], output_dir: str) -> dict[str, Any]:
    """The hashes the render depends on: ``chapters`` (each chapter's file and the files it
    includes or names, as one hash) and ``shared`` (every other file a render may read, by its
    path)."""
    run_dir = Path(run_dir).resolve()
    owned: set[Path] = set()
    per_chapter: dict[str, str] = {}
    for src in chapters:
        files: set[Path] = set()
        _named_files(run_dir, (run_dir / src).resolve(), files)
        owned |= files
        parts = sorted((str(p.relative_to(run_dir)), sha256_file(p)) for p in files)
        per_chapter[src] = sha256_json(parts)
    skip = {output_dir, QUARTO_DIR, GENERATED_DIR, *DATA_DIRS, *NOT_READ}
    shared = []
    for dirpath, dirnames, filenames in os.walk(run_dir):
        here = Path(dirpath)
        if here == run_dir:
            dirnames[:] = [d for d in dirnames if d not in skip]
            filenames = [f for f in filenames if f not in skip]
        dirnames.sort()
        for name in sorted(filenames):
            path = here / name
            if path not in owned:
                shared.append((str(path.relative_to(run_dir)), sha256_file(path)))
    return {
        "format": FORMAT,
        "quarto": quarto_identity(),
        "chapters": per_chapter,
        "shared": dict(shared),
    }


def quarto_identity() -> list[Any] | None:
    """The ``quarto`` on PATH as a file (its resolved path, size and modification time): a
    render kept from another Quarto is not reused (its index in ``.quarto/`` may differ)."""
    found = shutil.which("quarto")
    if found is None:
        return None
    path = Path(found).resolve()
    st = path.stat()
    return [str(path), st.st_size, st.st_mtime_ns]


def changed_chapters(
    before: dict[str, Any] | None, now: dict[str, Any]
) -> tuple[list[str] | None, str]:
    """The chapters to render again (``None``: the whole book) and why."""
    if not before or before.get("format") != FORMAT:
        return None, "no earlier render kept"
    if before.get("quarto") != now["quarto"]:
        return None, "another Quarto made the earlier render"
    if before.get("shared") != now["shared"]:
        old = before.get("shared") or {}
        diff = sorted(set(old.items()) ^ set(now["shared"].items()))
        return None, f"a file every chapter reads changed ({diff[0][0] if diff else '?'})"
    if list(before.get("chapters", {})) != list(now["chapters"]):  # the order numbers them
        return None, "the chapter list changed"
    changed = [c for c, h in now["chapters"].items() if before["chapters"][c] != h]
    return changed, f"{len(changed)} of {len(now['chapters'])} chapters changed"


def interface(run_dir: Path, chapters: list[str]) -> dict[str, Any]:
    """What other pages show of ``chapters``, from Quarto's index: each one's title, its
    cross-reference targets (key, caption, number) and the works it cites."""
    qdir = Path(run_dir) / QUARTO_DIR

    def load(path: Path) -> Any:
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    xref_index = load(qdir / "xref" / "INDEX") or {}
    cites = load(qdir / "cites" / "index.json") or {}
    out: dict[str, Any] = {}
    for src in chapters:
        ids = sorted((xref_index.get(src) or {}).values())
        idx = load(qdir / "idx" / f"{src}.json") or {}
        targets = []  # Quarto writes a chapter's entries in no fixed order
        for i in ids:
            xref = load(qdir / "xref" / i) or {}
            for part in ("entries", "headings"):
                targets += sorted(json.dumps(e, sort_keys=True) for e in xref.get(part) or [])
        out[src] = {"title": idx.get("title"), "xref": targets, "cites": cites.get(src)}
    return out


def _restore(state: Path, run_dir: Path, output_dir: str) -> bool:
    """Copy the kept output folder and ``.quarto/`` into the run folder; False if incomplete."""
    if not ((state / output_dir).is_dir() and (state / QUARTO_DIR).is_dir()):
        return False
    for name in (output_dir, QUARTO_DIR):
        shutil.rmtree(run_dir / name, ignore_errors=True)
        shutil.copytree(state / name, run_dir / name)
    return True


def _keep(state: Path, run_dir: Path, output_dir: str, sources: dict[str, Any]) -> None:
    """Replace the kept state with this render's output, ``.quarto/`` and sources (written
    beside and renamed, so a reader sees the old state or the new one)."""
    tmp = state.with_name(f"{state.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir(parents=True)
        for name in (output_dir, QUARTO_DIR):
            if (run_dir / name).is_dir():
                shutil.copytree(run_dir / name, tmp / name)
        (tmp / SOURCES_FILE).write_text(json.dumps(sources), encoding="utf-8")
        old = state.with_name(f"{state.name}.old-{os.getpid()}")
        if state.exists():
            state.rename(old)
        tmp.rename(state)
        shutil.rmtree(old, ignore_errors=True)
    except OSError:  # the state is an optimisation: the next render is whole
        shutil.rmtree(tmp, ignore_errors=True)


def render_book(
    run_dir: Path, chapters: list[str], output_dir: str, state: Path | None
) -> BookRender:
    """Render the book's HTML into ``<run_dir>/<output_dir>`` from the kept state in ``state``
    where it can (see the module's docstring); ``state`` ``None``: always whole, nothing kept.
    The output folder then holds Quarto's output only, before the site's post-processing."""
    run_dir = Path(run_dir).resolve()
    now = read_sources(run_dir, chapters, output_dir)
    before = None
    if state is not None:
        try:
            before = json.loads((state / SOURCES_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            before = None
    todo, why = changed_chapters(before, now)
    proc = None
    if todo is not None and state is not None and _restore(state, run_dir, output_dir):
        if todo:
            seen = interface(run_dir, todo)
            proc = quarto_render(run_dir, todo)
            if proc.returncode == 0 and interface(run_dir, todo) != seen:
                todo, why = None, "a changed chapter's title, numbers or citations changed"
    elif todo is not None:
        todo, why = None, "the kept render is incomplete"
    if todo is None:
        shutil.rmtree(run_dir / output_dir, ignore_errors=True)
        shutil.rmtree(run_dir / QUARTO_DIR, ignore_errors=True)
        proc = quarto_render(run_dir)
    if state is not None and (proc is None or proc.returncode == 0):
        _keep(state, run_dir, output_dir, now)
    return BookRender(todo, why, proc)
