"""The stage registry: ``stages.yaml`` at the project root, read into :class:`Stage` objects.

Every stage is declared once, as data (in the manner of Ploomber's ``pipeline.yaml`` and R
targets' one list): its notebook, what it reads (raw files of the codebook, the published
values, the districts' index), what it waits for, the files it writes, where it runs and where
its chapter goes in the book. The runner, the cache key, the book's chapter list
(:func:`book_chapters`), ``p3md status``, the tests and their fake run
(``tests/fixtures/fake_run.py``) all read it from here.

Why a YAML file and not a Python list: a student adds a stage without reading code, the file
is checked against a strict schema with messages that name the stage and the field
(:func:`load_registry`), and no thesis fact (the study's stages and labels) lives in the package.
Tests still build small registries in code (:class:`Stage` is a plain frozen dataclass).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from p3md import PROJECT_ROOT

#: The registry file, at the project root.
REGISTRY_FILE = "stages.yaml"
NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"

#: Inputs that are not raw files of the codebook.
PUBLISHED = "published"  # the run's ``published_path`` (data/published.yaml)
DISTRICTS = "districts"  # the districts' index of a multi-district run (``districts_dir``)
SPECIAL_INPUTS = (PUBLISHED, DISTRICTS)

#: Where a stage runs: ``single`` a run on one data folder; ``district`` each district of a
#: multi-district run (and one district's folder run alone); ``top`` once, at the top level of
#: a multi-district run.
RUN_KINDS = ("single", "district", "top")
#: Chapter places that are not parts.
FRONT, APPENDIX = "front", "appendix"

#: Raw files of the Wioi study, read when present by the scoring stage's notebook.
WIOI_FILES = ("wioi_tests", "wioi_satisfaction")
DEFAULT_OUTPUT_GATES = ("statistics", "distributions")


class RegistryError(ValueError):
    """The stage registry is inconsistent (unknown upstream, cycle, duplicate name, bad field)."""


@dataclass(frozen=True)
class Stage:
    """One parameterised notebook of the pipeline (one entry of ``stages.yaml``)."""

    name: str
    notebook: Path
    title: str
    #: Raw file keys of the codebook, ``published`` or ``districts``; a missing one fails.
    inputs: tuple[str, ...] = ()
    upstream: tuple[str, ...] = ()
    #: Read when present; no failure when absent.
    optional_inputs: tuple[str, ...] = ()
    #: Inputs without which the stage does not apply (left out of the run and of the book).
    only_if: tuple[str, ...] = ()
    #: Products: table labels, figure labels (``*`` patterns allowed), other files.
    tables: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    #: Output rule sets applied to the stage's CSV outputs (see ``output_gates.RULES``).
    output_gates: tuple[str, ...] = DEFAULT_OUTPUT_GATES
    runs: tuple[str, ...] = ("single",)
    #: A part id of the registry's book, ``front`` or ``appendix``; ``None``: no chapter.
    chapter: str | None = None

    # -- what it reads ------------------------------------------------------------------------
    @property
    def raw_inputs(self) -> tuple[str, ...]:
        """Required raw file keys (codebook ``files:``)."""
        return tuple(k for k in self.inputs if k not in SPECIAL_INPUTS)

    @property
    def optional_raw_inputs(self) -> tuple[str, ...]:
        return tuple(k for k in self.optional_inputs if k not in SPECIAL_INPUTS)

    @property
    def reads_published(self) -> bool:
        return PUBLISHED in self.inputs or PUBLISHED in self.optional_inputs

    @property
    def reads_districts(self) -> bool:
        return DISTRICTS in self.inputs or DISTRICTS in self.optional_inputs

    # -- what it writes -----------------------------------------------------------------------
    @property
    def executed_notebook(self) -> str:
        """The executed copy in the run folder (a ``.py`` notebook runs as ``.ipynb``)."""
        return f"notebooks/{self.notebook.stem}.ipynb"

    def product_patterns(self) -> list[str]:
        """Every path (``fnmatch`` pattern, relative to the run folder) the stage may write."""
        out = [self.executed_notebook]
        out += [f"tables/{t}.{ext}" for t in self.tables for ext in ("csv", "json")]
        out += [f"figures/{f}.{ext}" for f in self.figures for ext in ("png", "svg", "pdf")]
        out += list(self.files)
        return out

    def required_products(self) -> list[tuple[str, str]]:
        """``(what, pattern)`` pairs that must each match at least one written file."""
        need = [(self.executed_notebook, self.executed_notebook)]
        need += [(t, f"tables/{t}.csv") for t in self.tables]
        need += [(f, f"figures/{f}.*") for f in self.figures]
        need += [(p, p) for p in self.files]
        return need

    def owns(self, rel: str) -> bool:
        return any(fnmatch.fnmatchcase(rel, p) for p in self.product_patterns())

    def declares_label(self, label: str) -> bool:
        return any(fnmatch.fnmatchcase(label, p) for p in (*self.tables, *self.figures))


@dataclass(frozen=True)
class Part:
    id: str
    title: str


@dataclass(frozen=True)
class Book:
    """Where the stages' chapters go: after the hand-written chapter ``after``, in parts."""

    after: str = ""
    parts: tuple[Part, ...] = ()


@dataclass(frozen=True)
class Registry:
    stages: tuple[Stage, ...]
    book: Book = field(default_factory=Book)
    path: Path | None = None

    def for_run(self, kind: str) -> tuple[Stage, ...]:
        """The stages of a run of ``kind`` (:data:`RUN_KINDS`), in registry order."""
        if kind not in RUN_KINDS:
            raise RegistryError(f"unknown run kind {kind!r}; kinds are {', '.join(RUN_KINDS)}")
        return tuple(s for s in self.stages if kind in s.runs)


# ------------------------------------------------------------------------------- loading
_STAGE_KEYS = {
    "name",
    "notebook",
    "title",
    "runs",
    "inputs",
    "optional_inputs",
    "only_if",
    "upstream",
    "products",
    "output_gates",
    "chapter",
}
_PRODUCT_KEYS = {"tables", "figures", "files"}


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise RegistryError(f"{where} must be a list of names, got {value!r}")
    return tuple(value)


def _stage_from(entry: Any, root: Path, i: int, source: str) -> Stage:
    if not isinstance(entry, dict):
        raise RegistryError(f"{source}: stage {i + 1} must be a mapping, got {entry!r}")
    name = entry.get("name")
    where = f"{source}: stage {name or i + 1}"
    unknown = set(entry) - _STAGE_KEYS
    if unknown:
        raise RegistryError(
            f"{where}: unknown field(s) {', '.join(sorted(unknown))}; "
            f"fields are {', '.join(sorted(_STAGE_KEYS))}"
        )
    for key in ("name", "notebook", "title"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise RegistryError(f"{where}: `{key}` is required (a text)")
    products = entry.get("products") or {}
    if not isinstance(products, dict) or set(products) - _PRODUCT_KEYS:
        raise RegistryError(f"{where}: `products` may hold only {', '.join(sorted(_PRODUCT_KEYS))}")
    runs = _strings(entry.get("runs", ["single"]), f"{where}: `runs`")
    bad = [r for r in runs if r not in RUN_KINDS]
    if bad or not runs:
        raise RegistryError(f"{where}: `runs` takes {', '.join(RUN_KINDS)}, got {list(runs)}")
    tables = _strings(products.get("tables"), f"{where}: `products.tables`")
    figures = _strings(products.get("figures"), f"{where}: `products.figures`")
    for label in tables:
        if not label.startswith("tbl-"):
            raise RegistryError(f"{where}: table label {label!r} must start with 'tbl-'")
    for label in figures:
        if not label.startswith("fig-"):
            raise RegistryError(f"{where}: figure label {label!r} must start with 'fig-'")
    stage = Stage(
        name=entry["name"].strip(),
        notebook=(root / entry["notebook"]).resolve(),
        title=entry["title"].strip(),
        inputs=_strings(entry.get("inputs"), f"{where}: `inputs`"),
        upstream=_strings(entry.get("upstream"), f"{where}: `upstream`"),
        optional_inputs=_strings(entry.get("optional_inputs"), f"{where}: `optional_inputs`"),
        only_if=_strings(entry.get("only_if"), f"{where}: `only_if`"),
        tables=tables,
        figures=figures,
        files=_strings(products.get("files"), f"{where}: `products.files`"),
        output_gates=_strings(entry.get("output_gates", list(DEFAULT_OUTPUT_GATES)), where),
        runs=runs,
        chapter=entry.get("chapter"),
    )
    if stage.notebook.suffix not in (".ipynb", ".py"):
        raise RegistryError(f"{where}: the notebook must be an .ipynb or a percent .py file")
    stray = set(stage.only_if) - set(stage.inputs) - set(stage.optional_inputs)
    if stray:
        raise RegistryError(
            f"{where}: `only_if` names {', '.join(sorted(stray))}, which are not among its inputs"
        )
    return stage


def load_registry(path: Path | None = None) -> Registry:
    """Read and check ``stages.yaml`` (default: the project's); notebook paths are relative to
    the file's folder. Raises :class:`RegistryError` naming the stage and the field."""
    import yaml

    path = Path(path) if path is not None else PROJECT_ROOT / REGISTRY_FILE
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except OSError as exc:
        raise RegistryError(f"cannot read the stage registry {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise RegistryError(f"{path.name} is not valid YAML: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("stages"), list):
        raise RegistryError(f"{path.name} must have a `stages:` list")
    book_doc = doc.get("book") or {}
    parts = tuple(
        Part(str(p["id"]), str(p["title"]))
        for p in book_doc.get("parts") or []
        if isinstance(p, dict) and "id" in p and "title" in p
    )
    if len(parts) != len(book_doc.get("parts") or []):
        raise RegistryError(f"{path.name}: every `book.parts` entry needs an `id` and a `title`")
    book = Book(after=str(book_doc.get("after") or ""), parts=parts)
    stages = tuple(_stage_from(e, path.parent, i, path.name) for i, e in enumerate(doc["stages"]))
    registry = Registry(stages, book, path)
    check_registry(registry)
    return registry


def check_registry(registry: Registry) -> None:
    """Names unique, upstream known and acyclic, chapters placed, products owned once."""
    stages = registry.stages
    where = registry.path.name if registry.path else "the stage registry"
    index = by_name(stages)
    topological_levels(stages)
    places = {p.id for p in registry.book.parts} | {FRONT, APPENDIX}
    for s in stages:
        if s.chapter is None:
            raise RegistryError(
                f"{where}: stage {s.name} has no `chapter`: give it the id of a book part "
                f"({', '.join(p.id for p in registry.book.parts)}), `front` or `appendix`"
            )
        if s.chapter not in places:
            raise RegistryError(
                f"{where}: stage {s.name} has chapter {s.chapter!r}, which is no book part; "
                f"parts are {', '.join(sorted(places))}"
            )
        for u in s.upstream:
            if u in index and not set(s.runs) <= set(index[u].runs):
                raise RegistryError(
                    f"{where}: stage {s.name} runs in {list(s.runs)} but its upstream stage "
                    f"{u} only in {list(index[u].runs)}"
                )
    literal: dict[str, str] = {}
    for s in stages:
        for pattern in s.product_patterns():
            if "*" in pattern:
                continue
            if pattern in literal:
                raise RegistryError(
                    f"{where}: {pattern} is declared by both {literal[pattern]} and {s.name}"
                )
            literal[pattern] = s.name


_DEFAULT: Registry | None = None


def default_registry() -> Registry:
    """The project's ``stages.yaml`` (read once per process)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_registry()
    return _DEFAULT


def __getattr__(name: str) -> Any:
    # The project's stage lists, read from stages.yaml when first asked for (module attributes
    # so that a test can replace them: ``stages.STAGES = (...)``).
    lists = {
        "STAGES": "single",
        "DISTRICT_STAGES": "district",
        "TOP_STAGES": "top",
    }
    if name in lists:
        value: Any = default_registry().for_run(lists[name])
    elif name == "ALL_STAGES":
        value = default_registry().stages
    else:
        raise AttributeError(name)
    globals()[name] = value
    return value


# ------------------------------------------------------------------------------- graph
def by_name(stages: Sequence[Stage]) -> dict[str, Stage]:
    names = [s.name for s in stages]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})
        raise RegistryError(f"duplicate stage names: {', '.join(dup)}")
    return {s.name: s for s in stages}


def topological_levels(stages: Sequence[Stage]) -> list[list[Stage]]:
    """Stages grouped in levels: every stage's upstream lies in earlier levels, so the stages
    of one level may run in parallel. Within a level the registry order is kept (study order),
    which also makes the progress numbering stable."""
    index = by_name(stages)
    for s in stages:
        missing = [u for u in s.upstream if u not in index]
        if missing:
            raise RegistryError(f"stage {s.name} depends on unknown stages {missing}")
    done: set[str] = set()
    levels: list[list[Stage]] = []
    remaining = list(stages)
    while remaining:
        level = [s for s in remaining if set(s.upstream) <= done]
        if not level:
            raise RegistryError(f"dependency cycle among {[s.name for s in remaining]}")
        levels.append(level)
        done |= {s.name for s in level}
        remaining = [s for s in remaining if s.name not in done]
    return levels


def topological_order(stages: Sequence[Stage]) -> list[Stage]:
    return [s for level in topological_levels(stages) for s in level]


def downstream_closure(stages: Sequence[Stage], names: Sequence[str]) -> set[str]:
    """``names`` plus every stage that depends on them, directly or not."""
    chosen = set(names)
    changed = True
    while changed:
        changed = False
        for s in stages:
            if s.name not in chosen and chosen & set(s.upstream):
                chosen.add(s.name)
                changed = True
    return chosen


def upstream_closure(stages: Sequence[Stage], names: Sequence[str]) -> set[str]:
    """``names`` plus everything they depend on."""
    index = by_name(stages)
    chosen: set[str] = set()
    todo = list(names)
    while todo:
        n = todo.pop()
        if n in chosen:
            continue
        if n not in index:
            raise RegistryError(f"unknown stage {n!r}; stages are {', '.join(index)}")
        chosen.add(n)
        todo.extend(index[n].upstream)
    return chosen


# ------------------------------------------------------------------------------- the book
def book_chapters(
    book: dict[str, Any], present: Iterable[Stage], registry: Registry | None = None
) -> dict[str, Any]:
    """The ``book:`` section of a run's ``_quarto.yml`` with the stages' chapters inserted.

    ``book`` is the source ``_quarto.yml``'s section, which lists the hand-written pages only;
    ``present`` are the stages whose executed notebook the run folder holds. Chapters of a part
    come in registry order; a part without a present stage is left out. A ``notebooks/``
    chapter in the source is refused with a message (stage chapters come from the registry).
    """
    registry = registry or default_registry()
    present_names = {s.name for s in present}
    stages = [s for s in registry.stages if s.name in present_names]
    known = {s.executed_notebook: s.name for s in registry.stages}
    for entry in _flat(book.get("chapters", [])) + _flat(book.get("appendices", [])):
        if entry.startswith("notebooks/"):
            if entry in known:
                raise RegistryError(
                    f"_quarto.yml lists the chapter {entry} of stage {known[entry]}; stage "
                    f"chapters are generated from {REGISTRY_FILE}: remove it from _quarto.yml"
                )
            raise RegistryError(
                f"_quarto.yml lists the chapter {entry}, which has no entry in {REGISTRY_FILE}: "
                f"declare its stage there (ARCHITECTURE.md, 'Adding a stage') or remove it"
            )
    out = dict(book)
    chapters = list(book.get("chapters") or [])
    front = [s.executed_notebook for s in stages if s.chapter == FRONT]
    if front:
        at = 1 if chapters and chapters[0] == "index.qmd" else 0
        chapters[at:at] = front
    parts: list[Any] = []
    for part in registry.book.parts:
        inner = [s.executed_notebook for s in stages if s.chapter == part.id]
        if inner:
            parts.append({"part": part.title, "chapters": inner})
    if parts:
        after = registry.book.after
        if after and after not in chapters:
            raise RegistryError(
                f"{REGISTRY_FILE}: book.after names {after}, which is not a top-level chapter "
                f"of _quarto.yml"
            )
        at = chapters.index(after) + 1 if after else len(chapters)
        chapters[at:at] = parts
    out["chapters"] = chapters
    appendix = [s.executed_notebook for s in stages if s.chapter == APPENDIX]
    if appendix:
        out["appendices"] = appendix + list(book.get("appendices") or [])
    return out


def _flat(entries: list[Any]) -> list[str]:
    out: list[str] = []
    for e in entries or []:
        if isinstance(e, str):
            out.append(e)
        elif isinstance(e, dict):
            if e.get("href") or e.get("file"):
                out.append(str(e.get("href") or e.get("file")))
            out += _flat(e.get("chapters") or e.get("contents") or [])
    return out
