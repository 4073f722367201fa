"""Stage the render folder, write the run's pages, render with Quarto or smalldocs, post-process."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import string
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from p3md.codebook import DESIGN_FILE, load_codebook, read_yaml
from p3md.markup import md
from p3md.pipeline.stages import book_chapters, default_registry
from p3md.reporting.text import data_notice
from p3md.site import (
    bench_figure,
    bench_page,
    offline,
    pages,
    print_pages,
    quarto_book,
    readers,
    smalldocs_ui,
    study_pages,
    thesis,
)
from p3md.site import docx as book_docx
from p3md.site import downloads as site_downloads
from p3md.site import pdf as book_pdf
from p3md.site.bib import parse_bib
from p3md.site.postprocess import (
    add_download_links,
    add_notebook_links,
    add_pdf_link,
    publish_notebooks,
    resolve_references,
)

T = TypeVar("T")

#: files copied from the project into the render folder (besides pages/)
PROJECT_FILES = ("_quarto.yml", "references.bib", "apa.csl")
#: the print and Word templates (Typst rules, the tables filter, reference.docx, the site's
#: CSS), staged into the render folder under this name; _quarto.yml refers to them there
TEMPLATES = Path(__file__).parent / "templates"
TEMPLATES_DIR = "_print"
#: run outputs offered as downloads; copied into the site folder after rendering
OUTPUT_DIRS = ("tables", "figures", "derived", "downloads")


@dataclass
class RenderResult:
    renderer: str  # "quarto" or "smalldocs"
    site_dir: Path
    seconds: float
    warnings: list[str] = field(default_factory=list)
    pdf: Path | None = None  # the book as one PDF, inside site_dir
    pdf_engine: str | None = None  # "pandoc-typst"
    pdf_seconds: float = 0.0
    # Quarto's chapters rendered (None: the whole book, [] none) and why (p3md.site.quarto_book)
    chapters_rendered: list[str] | None = None
    chapters_why: str = ""
    docx: Path | None = None  # the book as a Word document, inside site_dir
    docx_seconds: float = 0.0


def choose_renderer(prefer: str | None = None) -> str:
    """``quarto`` when it is on PATH, else ``smalldocs``; ``prefer`` or $P3MD_RENDERER override."""
    prefer = prefer or os.environ.get("P3MD_RENDERER") or None
    if prefer not in (None, "quarto", "smalldocs"):
        raise ValueError(f"unknown renderer {prefer!r}: use 'quarto' or 'smalldocs'")
    if prefer == "quarto" and shutil.which("quarto") is None:
        raise RuntimeError("renderer 'quarto' was requested but quarto is not on PATH")
    if prefer:
        return prefer
    return "quarto" if shutil.which("quarto") else "smalldocs"


def load_config(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def book_pages(cfg: dict[str, Any], root: Path) -> list[tuple[str, str]]:
    """(source path, chapter number or '') in book order; appendices get A, B, ..."""

    def flat(entries: list[Any]) -> list[str]:
        out: list[str] = []
        for e in entries or []:
            if isinstance(e, str):
                out.append(e)
            elif isinstance(e, dict):
                if e.get("href") or e.get("file"):
                    out.append(e.get("href") or e.get("file"))
                out += flat(e.get("chapters") or e.get("contents") or [])
        return out

    book = cfg.get("book") or {}
    result, n = [], 0
    for src in flat(book.get("chapters", [])):
        if src == "index.qmd" or _unnumbered(root / src):
            result.append((src, ""))
        else:
            n += 1
            result.append((src, str(n)))
    for i, src in enumerate(flat(book.get("appendices", []))):
        result.append((src, string.ascii_uppercase[i]))
    return result


def _unnumbered(path: Path) -> bool:
    """Whether a chapter's first heading is marked ``{.unnumbered}`` or ``{-}``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return False
    if path.suffix == ".ipynb":
        try:
            cells = json.loads(text).get("cells", [])
        except json.JSONDecodeError:
            return False
        text = "\n".join(
            "".join(c.get("source", "")) for c in cells if c.get("cell_type") == "markdown"
        )
    m = re.search(r"^# .*$", text, re.M)
    return bool(m and re.search(r"\{[^}]*(\.unnumbered|(^|\s)-)[^}]*\}\s*$", m.group(0)))


# ------------------------------------------------------------------------- staging
def stage(project_dir: Path, run_dir: Path) -> None:
    """Copy the book's sources into the render folder (the run folder)."""
    for name in PROJECT_FILES:
        shutil.copy2(project_dir / name, run_dir / name)
    shutil.copytree(TEMPLATES, run_dir / TEMPLATES_DIR, dirs_exist_ok=True)
    dest = run_dir / "pages"
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for src in sorted((project_dir / "pages").glob("*.qmd")):
        shutil.copy2(src, run_dir / "index.qmd" if src.name == "index.qmd" else dest / src.name)


def _data_dir(project_dir: Path, manifest: dict[str, Any]) -> Path:
    value = readers._first(manifest, "data_dir", "parameters.data_dir", "params.data_dir")
    path = Path(value) if value else project_dir / "data" / "raw"
    return path if path.is_absolute() else project_dir / path


def copy_inputs(
    project_dir: Path, run_dir: Path, manifest: dict[str, Any], cb: Any
) -> tuple[list[str], list[str]]:
    """Copy the codebook and the raw files into ``<run>/downloads``; hold back personal data."""
    out = run_dir / "downloads"
    if out.exists():
        shutil.rmtree(out)
    (out / "raw").mkdir(parents=True)
    codebook = readers._first(manifest, "codebook_path", "parameters.codebook_path")
    cb_path = Path(codebook) if codebook else project_dir / "data" / "codebook.yaml"
    cb_path = cb_path if cb_path.is_absolute() else project_dir / cb_path
    if cb_path.exists():
        shutil.copy2(cb_path, out / "codebook.yaml")
    from p3md.io.pseudonymise import is_personal

    # Publish a raw file only when every column is one the codebook knows: a personal field
    # ("Alamat Rumah") or any unknown column (free text) keeps the whole file off the site.
    known = {c.lower() for spec in cb.files.values() for c in spec.columns}
    known |= {c.lower() for spec in cb.files.values() for c in cb.columns_for(spec.item_columns)}
    from p3md.io.schema import question_columns

    for key, spec in cb.files.items():
        if spec.question_columns is not None:  # numbered questions (the Wioi test's q01...)
            known |= {c.lower() for c in question_columns(cb, key)}
    copied, held = [], []
    data_dir = _data_dir(project_dir, manifest)
    for path in sorted(data_dir.glob("*")) if data_dir.is_dir() else []:
        if path.suffix.lower() not in (".csv", ".xlsx", ".tsv", ".txt"):
            continue
        headers = _header(path)
        if any(is_personal(h, cb.personal_fields) for h in headers) or headers - known:
            held.append(path.name)
            continue
        shutil.copy2(path, out / "raw" / path.name)
        copied.append(path.name)
    return copied, held


def _header(path: Path) -> set[str]:
    """Lower-cased column names of a raw file (first row), for the personal-data check."""
    try:
        if path.suffix.lower() == ".xlsx":
            import pandas as pd

            return {str(c).strip().lower() for c in pd.read_excel(path, nrows=0).columns}
        first = path.read_text(encoding="utf-8-sig", errors="replace").splitlines()[0]
    except (OSError, IndexError, ValueError):
        return set()
    sep = ";" if first.count(";") > first.count(",") else ("\t" if "\t" in first else ",")
    return {c.strip().strip('"').lower() for c in first.split(sep)}


def write_generated(project_dir: Path, run_dir: Path, renderer: str) -> list[str]:
    """Write ``<run>/_generated/*.qmd`` from the manifest, the gates, the codebook and
    ``bench.json`` (with the benchmark's figure in ``<run>/figures/``)."""
    manifest = readers.load_manifest(run_dir)
    cb_path = readers._first(manifest, "codebook_path", "parameters.codebook_path")
    cb_file = Path(cb_path) if cb_path else project_dir / "data" / "codebook.yaml"
    cb = load_codebook(
        cb_file if cb_file.is_absolute() else project_dir / cb_file,
        data_dir=_data_dir(project_dir, manifest),
    )
    suites, warnings = readers.load_gates(run_dir)
    raw, held = copy_inputs(project_dir, run_dir, manifest, cb)
    # stages the run left out (their optional inputs absent): not listed as unchecked
    omitted = [
        s.get("name")
        for s in manifest.get("stages") or []
        if isinstance(s, dict) and s.get("status") == "omitted"
    ]
    gen = run_dir / pages.GENERATED
    gen.mkdir(exist_ok=True)
    captions = pages.notebook_captions(run_dir)
    bench = bench_page.load_bench(run_dir)
    figure = bench_figure.write_scale_figure(bench, run_dir)
    if figure:
        captions[bench_page.FIGURE_LABEL] = bench_page.FIGURE_CAPTION
    parts = {
        "run-info.qmd": pages.run_info(manifest, renderer),
        "validasi.qmd": pages.validation(suites, warnings, omitted),
        "reproduksibilitas.qmd": pages.reproducibility(manifest, renderer),
        "metode-kodebuku.qmd": pages.codebook_tables(cb),
        "metode-sampel.qmd": pages.method_sampling(cb),
        "metode-parameter.qmd": pages.method_parameters(manifest),
        "kamus-data.qmd": pages.data_dictionary(cb)
        + pages.downloads(
            run_dir, raw, held, captions, data_words=_kind_words(project_dir, manifest)
        ),
        "varian-label.qmd": pages.label_variants(cb),
        "kinerja-komputasi.qmd": bench_page.bench_part(
            bench, figure, readers.manifest_stages(manifest)
        ),
    }
    parts.update(_thesis_parts(project_dir, run_dir, manifest, cb))
    for name, text in parts.items():
        (gen / name).write_text(text, encoding="utf-8")
    pages.validation_csv(suites, run_dir / pages.VALIDATION_CSV)
    if held:
        warnings.append(f"raw files with personal columns not published: {', '.join(held)}")
    return warnings


def _kind_words(project_dir: Path, manifest: dict[str, Any]) -> str:
    """The data's kind in words ("data rekonstruksi"), from the data folder's provenance."""
    from p3md.codebook.provenance import ProvenanceError, kind_words

    try:
        return kind_words(_data_dir(project_dir, manifest), "id")
    except (ProvenanceError, OSError):
        return ""


def _thesis_parts(
    project_dir: Path, run_dir: Path, manifest: dict[str, Any], cb: Any
) -> dict[str, str]:
    """Abstract, conclusions, lists of tables and figures (:mod:`p3md.site.thesis`)."""
    from p3md.stats.published import load_published

    params = readers.manifest_mapping(manifest, "parameters", "params")
    published_path = readers._first(manifest, "published_path", "parameters.published_path")
    path = Path(published_path) if published_path else project_dir / "data" / "published.yaml"
    path = path if path.is_absolute() else project_dir / path
    published = load_published(path) if path.is_file() else {}
    meta = cb.meta.model_dump() if hasattr(cb.meta, "model_dump") else dict(cb.meta)
    from p3md.codebook.provenance import ProvenanceError, data_kind

    try:
        kind = data_kind(_data_dir(project_dir, manifest))
    except (ProvenanceError, OSError):
        kind = "real"
    return thesis.generated_parts(run_dir, meta, published, params, kind, cb.district)


def fit_book(run_dir: Path, markdown_title: bool = False, own_study: bool = False) -> None:
    """Fit the staged ``_quarto.yml`` to what this run folder holds.

    The stages' chapters are generated from the registry (:func:`p3md.pipeline.stages.
    book_chapters`): a run with part of the stages (a district of a multi-district run has the
    district's stages; the top-level run has the Wioi study, the audit and the synthesis; a
    stage whose inputs are absent is left out) gets the chapters of the executed notebooks it
    holds, and no empty part. A district's run
    names its kabupaten in the book's title; a multi-district run lists the districts' sites
    (:func:`p3md.site.pages.district_links`).
    """
    path = run_dir / "_quarto.yml"
    cfg = load_config(path)
    book = cfg.get("book") or {}

    # The stages' chapters come from the registry (stages.yaml): those whose executed
    # notebook this run folder holds, in their parts.
    registry = default_registry()
    present = [s for s in registry.stages if (run_dir / s.executed_notebook).is_file()]
    book = book_chapters(book, present, registry)
    manifest = readers.load_manifest(run_dir)
    data_dir = readers._first(manifest, "data_dir", "parameters.data_dir")
    design = Path(data_dir) / DESIGN_FILE if data_dir else None
    if design is not None and design.is_file():
        district = (read_yaml(design) or {}).get("district")
        if district and book.get("title"):
            # Quarto reads the title as Markdown, smalldocs (and the PDF's title page) as text
            name = md(district) if markdown_title else str(district)
            book["title"] = re.sub(r"Kabupaten \w+$", lambda _: name, str(book["title"]))
    districts_dir = readers._first(manifest, "districts_dir", "parameters.districts_dir")
    index = Path(districts_dir) / pages.DISTRICTS_INDEX if districts_dir else None
    if index is not None and index.is_file():
        (run_dir / "pages" / "kabupaten.qmd").write_text(
            pages.district_links(json.loads(index.read_text(encoding="utf-8"))),
            encoding="utf-8",
        )
        chapters = book["chapters"]
        at = 1 if chapters and chapters[0] == "index.qmd" else 0
        chapters.insert(at, "pages/kabupaten.qmd")
    from p3md.codebook.provenance import data_kind

    if own_study:  # title, author, PDF name ... from the study's codebook (site.study_pages)
        cb_path = readers._first(manifest, "codebook_path", "parameters.codebook_path")
        book = study_pages.book_identity(
            book,
            load_codebook(cb_path, data_dir=data_dir),
            data_kind(data_dir),
            markdown=markdown_title,
        )
    elif data_dir:  # the thesis's book on another kind of data than its reconstruction
        book = study_pages.data_identity(book, data_kind(data_dir))
    cfg["book"] = book
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")


# ------------------------------------------------------------------------- renderers
def smalldocs_config(cfg: dict[str, Any]) -> dict[str, Any]:
    """The book config as smalldocs reads it: chapters and appendices in one website sidebar.

    smalldocs builds a book's sidebar from ``book.chapters`` only; the appendices would be
    built but not listed. This copy is used for the smalldocs build only.
    """
    out = copy.deepcopy(cfg)
    book = out.get("book") or {}
    contents = list(book.get("chapters", []))
    if book.get("appendices"):
        contents.append({"section": "Lampiran", "contents": list(book["appendices"])})
    website = {"title": book.get("title", ""), "sidebar": {"contents": contents}}
    if book.get("page-footer"):
        website["page-footer"] = book["page-footer"]
    out["website"] = website
    return out


def _render_smalldocs(run_dir: Path) -> list[str]:
    from smalldocs.site import build

    config = run_dir / "_quarto.yml"
    original = config.read_text(encoding="utf-8")
    config.write_text(
        yaml.safe_dump(
            smalldocs_config(yaml.safe_load(original)), allow_unicode=True, sort_keys=False
        ),
        encoding="utf-8",
    )
    try:
        site = build(run_dir, quiet=True)
    finally:
        config.write_text(original, encoding="utf-8")
    return [f"smalldocs: {w}" for w in site.warnings]


def _result_or_warning(
    job: Future[T], errors: type[Exception], what: str, warnings: list[str]
) -> T | None:
    """A background copy's result, or ``None`` with its failure in ``warnings`` (``"pdf: ..."``):
    the site is fine without it."""
    try:
        return job.result()
    except errors as exc:
        warnings.append(f"{what}: {exc}")
        return None


def _render_quarto(
    run_dir: Path, cfg: dict[str, Any], warnings: list[str]
) -> quarto_book.BookRender:
    """Quarto's HTML of the book, rendered again only where its sources changed since the
    last render (:mod:`p3md.site.quarto_book`); Quarto's warnings go into ``warnings``."""
    out = cfg.get("project", {}).get("output-dir") or "_book"
    chapters = [src for src, _ in book_pages(cfg, run_dir)]
    work = print_pages.work_folder(run_dir)
    state = work / quarto_book.STATE_DIR if work is not None else None
    done = quarto_book.render_book(run_dir, chapters, out, state)
    proc = done.proc
    if proc is not None and proc.returncode != 0:
        raise RuntimeError(f"quarto render failed:\n{proc.stderr[-4000:]}")
    warnings += [
        f"quarto: {line.strip()}"
        for line in (proc.stderr if proc is not None else "").splitlines()
        if line.strip().startswith("WARN")
    ]
    return done


#: The end of a staging folder's path in a notebook (``.../.p3md-work/staging-<stage>-<pid>``).
_STAGING_TAIL = re.compile(r"/\.p3md-work/staging-[^/\s\"'\\]+-\d+")
#: Characters that end a path in a notebook's JSON text (besides whitespace).
_PATH_STOPS = "\"'\\"


def staging_paths(text: str) -> list[str]:
    """Every staging folder's absolute path in ``text``: from the first ``/`` of the token that
    holds the staging folder's name (a token ends at whitespace, a quote or a backslash) to the
    folder; a folder name with no ``/`` before it in its token is no path.

    Found from the folder's name backwards, not with one pattern that starts at a ``/`` and
    runs over any character but those that end a token: such a pattern is tried at every
    ``/`` of the notebooks' base64 images, which have no whitespace to stop it, and took 5 s
    per render of the thesis's run (``make bench``'s render breakdown)."""
    found = []
    for m in _STAGING_TAIL.finditer(text):
        start = m.start()
        while start > 0 and not (text[start - 1].isspace() or text[start - 1] in _PATH_STOPS):
            start -= 1
        first = text.find("/", start, m.start())
        if first >= 0:
            found.append(text[first : m.end()])
    return found


def _public_paths(project_dir: Path, run_dir: Path) -> dict[str, str]:
    """Machine paths in the run's notebooks -> what a reader of the project would write:
    paths inside the project relative to it; the run folder (and every staging folder a stage
    of it was executed in, also an earlier run's for a skipped stage) as the output folder's
    name; the data folder and the run's other input paths outside the project relative to the
    data folder's parent (``data``, ``data/design.yaml``, ``codebook.yaml``)."""
    manifest = readers.load_manifest(run_dir)
    out = readers._first(manifest, "out_dir", "parameters.out_dir") or "reports"
    out_path = Path(out)
    try:
        out = (
            out_path.resolve().relative_to(project_dir).as_posix()
            if out_path.is_absolute()
            else out
        )
    except ValueError:
        out = out_path.name
    found = {str(run_dir): str(out), str(project_dir) + os.sep: ""}
    for nb in sorted((run_dir / "notebooks").glob("*.ipynb")):
        for path in staging_paths(nb.read_text(encoding="utf-8", errors="replace")):
            found[path] = str(out)
    data = readers._first(manifest, "data_dir", "parameters.data_dir")
    data_parent = Path(data).resolve().parent if data and Path(data).is_absolute() else None
    for key in ("data_dir", "codebook_path", "published_path", "districts_dir"):
        value = readers._first(manifest, key, f"parameters.{key}")
        if not value or not Path(value).is_absolute():
            continue
        path = Path(value).resolve()
        if _inside(path, project_dir) or _inside(path, run_dir):
            continue
        if data_parent is not None and _inside(path, data_parent):
            found[str(value)] = path.relative_to(data_parent).as_posix()
        else:
            found[str(value)] = path.name
    return found


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _start_print_copies(
    chosen: str,
    site: Path,
    run_dir: Path,
    cfg: dict[str, Any],
    order: list[tuple[Path, str]],
    warnings: list[str],
) -> Callable[[], tuple[book_pdf.PdfResult | None, book_docx.DocxResult | None]]:
    """Start the book's PDF and its Word copy from the pages as they are now (read at once,
    :mod:`p3md.site.print_pages`); returns the call that waits for both. A copy that fails is
    a warning in ``warnings``.

    Why in the background: the Word copy is mostly one pandoc process and the PDF pandoc and
    Typst (which leaves Python's lock to the others), so on 2 cores they overlap each other
    and the site's last steps (its search index, the download links, which the print copies
    leave out); one after the other they were 5.7 s of a 7.6 s render (``make bench``)."""
    from concurrent.futures import ThreadPoolExecutor

    printed, labels = print_pages.read_pages(site, order)
    cache = print_pages.PrintCache(print_pages.cache_folder(run_dir))
    words = smalldocs_ui.translations(cfg, str(cfg.get("lang") or "en"))
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="p3md-print")
    pdf_job = pool.submit(book_pdf.build_pdf, site, run_dir, cfg, printed, labels, words, cache)
    word_job = pool.submit(
        book_docx.build_docx,
        site,
        run_dir,
        cfg,
        printed,
        labels,
        cache,
        markdown_meta=chosen == "quarto",
    )

    def finish() -> tuple[book_pdf.PdfResult | None, book_docx.DocxResult | None]:
        try:
            made = _result_or_warning(pdf_job, book_pdf.PdfError, "pdf", warnings)
            word = _result_or_warning(word_job, book_docx.DocxError, "docx", warnings)
        finally:
            pool.shutdown()
        return made, word

    return finish


def render_site(
    project_dir: Path,
    target: Path,
    *,
    run_dir: Path | None = None,
    renderer: str | None = None,
    pdf: bool = True,
) -> RenderResult:
    """Render the report of a run folder into ``<run>/site`` and say which renderer did it.

    ``render_site(project_dir, run_dir)``: ``target`` is the run folder. The pipeline's runner
    calls ``render_site(project_dir, site_dir, run_dir=run_dir)``; then ``target`` is the site
    folder it wants, and the site is copied there if it is not ``<run_dir>/site``.
    ``renderer`` forces ``quarto`` or ``smalldocs`` (default: Quarto when on PATH). ``pdf``
    (default) also makes the book's PDF and Word copy from the rendered pages
    (:mod:`p3md.site.pdf`, :mod:`p3md.site.docx`); a copy that fails is a warning, not an error.
    """
    wanted_site = Path(target).resolve() if run_dir is not None else None
    run_dir = Path(run_dir if run_dir is not None else target)
    t0 = time.perf_counter()
    project_dir, run_dir = Path(project_dir).resolve(), Path(run_dir).resolve()
    chosen = choose_renderer(renderer)
    stage(project_dir, run_dir)
    manifest = readers.load_manifest(run_dir)
    codebook = readers._first(manifest, "codebook_path", "parameters.codebook_path")
    # A study of its own (its data folder's codebook): its own front pages and identity.
    own = study_pages.write_pages(
        project_dir, run_dir, codebook, readers._first(manifest, "data_dir", "parameters.data_dir")
    )
    warnings = write_generated(project_dir, run_dir, chosen)
    fit_book(run_dir, markdown_title=chosen == "quarto", own_study=own)
    # The lists of tables and figures read the book as fitted (the stages' chapters included).
    chapters = [src for src, _ in book_pages(load_config(run_dir / "_quarto.yml"), run_dir)]
    thesis.write_lists(run_dir, chapters, pages.GENERATED)
    missing = [
        src
        for src, _ in book_pages(load_config(run_dir / "_quarto.yml"), run_dir)
        if not (run_dir / src).exists()
    ]
    if missing:
        raise FileNotFoundError(
            "the book's chapters are missing from the run folder: " + ", ".join(missing)
        )
    cfg = load_config(run_dir / "_quarto.yml")
    book = None
    if chosen == "quarto":
        book = _render_quarto(run_dir, cfg, warnings)
    else:
        warnings += _render_smalldocs(run_dir)
    site = run_dir / (cfg.get("project", {}).get("output-dir") or "_site")
    for name in OUTPUT_DIRS:
        if (run_dir / name).is_dir():
            shutil.copytree(run_dir / name, site / name, dirs_exist_ok=True)
    # the copies readers download: no cell a spreadsheet would run (the run folder keeps the
    # exact values the stages read)
    site_downloads.neutralise_site(site)
    # every table in one workbook, with the data notice where the data are not real; written
    # after the others are neutralised: write_workbook neutralises as it writes (reading the
    # workbook back with openpyxl cost 0.5-1 s of each render)
    notice = data_notice(_data_dir(project_dir, manifest), "id").replace("*", "")
    site_downloads.write_workbook(run_dir, site / site_downloads.WORKBOOK, notice)
    publish_notebooks(site, run_dir, _public_paths(project_dir, run_dir))
    order = [(Path(src).with_suffix(".html"), num) for src, num in book_pages(cfg, run_dir)]
    if chosen == "smalldocs":
        bib = parse_bib((run_dir / "references.bib").read_text(encoding="utf-8"))
        refs = next((p for p, _ in order if p.stem == "daftar-pustaka"), None)
        warnings += resolve_references(site, order, bib, refs)
        smalldocs_ui.apply(site, cfg)
        smalldocs_ui.navigation(site, order)
    else:
        warnings += offline.make_offline(site, run_dir)
    # the print copies read the pages as the reader sees them, bar what they leave out (the
    # search index, the links to downloads, notebooks and the copies themselves)
    printing = _start_print_copies(chosen, site, run_dir, cfg, order, warnings) if pdf else None
    made = word = None
    try:
        if chosen == "smalldocs":
            smalldocs_ui.search_index(site)
        add_download_links(site)
        add_notebook_links(site)
    finally:
        if printing is not None:
            made, word = printing()
    if made is not None or word is not None:
        add_pdf_link(site, made.path if made else None, word.path if word else None)
    if wanted_site is not None and wanted_site != site.resolve():
        shutil.copytree(site, wanted_site, dirs_exist_ok=True)
        site = wanted_site
    result = RenderResult(chosen, site, time.perf_counter() - t0, warnings)
    if book is not None:
        result.chapters_rendered, result.chapters_why = book.rendered, book.why
    if word is not None:
        result.docx, result.docx_seconds = site / word.path.name, word.seconds
    if made is not None:
        result.pdf, result.pdf_engine, result.pdf_seconds = (
            site / made.path.name,
            made.engine,
            made.seconds,
        )
    return result
