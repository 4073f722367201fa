"""The stage registry: what each notebook is, what it reads and what it depends on.

The registry is data (a tuple of :class:`Stage`), so tests can inject a tiny registry of fixture
notebooks and the runner does not know the study. ``raw_inputs`` are keys of the codebook's
``files`` section; they decide which raw files' hashes enter a stage's cache key and which input
gates run before it. ``output_gates`` name the rule sets in :mod:`p3md.pipeline.output_gates`
applied to the CSVs the stage writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from p3md import PROJECT_ROOT

NOTEBOOK_DIR = PROJECT_ROOT / "notebooks"

#: Raw files of the Pesawaran survey (everything except the Wioi study).
PESAWARAN_FILES = ("village_frame", "facilitators", "official_ratings", "expert_ratings", "pilot")
WIOI_FILES = ("wioi_tests", "wioi_satisfaction")


@dataclass(frozen=True)
class Stage:
    """One parameterised notebook of the pipeline."""

    name: str
    notebook: Path
    title: str
    raw_inputs: tuple[str, ...] = ()
    upstream: tuple[str, ...] = ()
    #: Output rule sets applied to the stage's CSV outputs (see ``output_gates.RULES``).
    output_gates: tuple[str, ...] = ("statistics", "distributions")
    #: Reads ``published_path`` (its hash enters the cache key).
    reads_published: bool = False
    #: Extra output globs (relative to the run folder) the stage owns besides the
    #: ``tables/<tbl-label>.csv`` / ``figures/<fig-label>.*`` found in its notebook.
    outputs: tuple[str, ...] = field(default_factory=tuple)
    #: Reads the districts' run folders of a multi-district run (``districts_dir``): the hash
    #: of their index ``districts.json`` enters the cache key.
    reads_districts: bool = False


STAGES: tuple[Stage, ...] = (
    Stage(
        "sampling",
        NOTEBOOK_DIR / "01_sampling.ipynb",
        "Sampel penelitian (Slovin, alokasi)",
        raw_inputs=("village_frame",),
    ),
    Stage(
        "scoring",
        NOTEBOOK_DIR / "02_scoring.ipynb",
        "Penskoran dan sebaran modus",
        raw_inputs=PESAWARAN_FILES,
        outputs=("derived/*.csv",),
    ),
    Stage(
        "instrument",
        NOTEBOOK_DIR / "03_instrument.ipynb",
        "Uji validitas dan reliabilitas",
        upstream=("scoring",),
    ),
    Stage(
        "descriptive",
        NOTEBOOK_DIR / "04_descriptive.ipynb",
        "Deskripsi variabel",
        upstream=("scoring",),
    ),
    Stage(
        "hypotheses", NOTEBOOK_DIR / "05_hypotheses.ipynb", "Uji hipotesis", upstream=("scoring",)
    ),
    Stage(
        "wioi",
        NOTEBOOK_DIR / "06_wioi.ipynb",
        "Pelatihan aparatur Desa Wioi",
        raw_inputs=WIOI_FILES,
    ),
    Stage(
        "reproduction",
        NOTEBOOK_DIR / "07_reproduction.ipynb",
        "Nilai terbitan dan nilai reproduksi",
        upstream=("sampling", "scoring", "instrument", "descriptive", "hypotheses", "wioi"),
        reads_published=True,
    ),
    Stage(
        "audit",
        NOTEBOOK_DIR / "08_audit.ipynb",
        "Audit konsistensi angka terbitan",
        reads_published=True,
    ),
)


#: The meta-analytic synthesis across districts (multi-district runs only).
SYNTHESIS = Stage(
    "synthesis",
    NOTEBOOK_DIR / "09_synthesis.ipynb",
    "Sintesis antar-kabupaten",
    reads_districts=True,
)

#: A district's own study in a multi-district run: the stages that read the district's data.
DISTRICT_STAGES: tuple[Stage, ...] = tuple(
    s
    for s in STAGES
    if s.name in ("sampling", "scoring", "instrument", "descriptive", "hypotheses")
)
#: The stages a multi-district run runs once, beside the districts: the Wioi study and the
#: audit of the published numbers (they read no district's data) and the synthesis of the
#: districts. The comparison with the thesis's published values (``reproduction``) is not
#: among them: those values are the thesis's sample's, not a district's of the set.
TOP_STAGES: tuple[Stage, ...] = (
    *(s for s in STAGES if s.name in ("wioi", "audit")),
    SYNTHESIS,
)
#: Every stage of any run (a single-district run's and a multi-district run's), by name.
ALL_STAGES: tuple[Stage, ...] = (*STAGES, SYNTHESIS)


class RegistryError(ValueError):
    """The stage registry is inconsistent (unknown upstream, cycle, duplicate name)."""


def by_name(stages: Sequence[Stage]) -> dict[str, Stage]:
    names = [s.name for s in stages]
    if len(set(names)) != len(names):
        raise RegistryError(f"duplicate stage names in {names}")
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
