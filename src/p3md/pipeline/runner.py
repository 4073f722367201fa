"""``run_pipeline``: gates, papermill stages, cache, manifest and the atomic swap of ``reports/``.

One run, in order:

1. refuse to write under ``data_dir``; take the run lock; remove staging folders of dead runs;
2. sync each notebook's jupytext pair (:mod:`p3md.pipeline.pairing`: the newer of ``.ipynb``
   and ``.py`` wins); hash every input (raw files, codebook, published values, notebooks and
   their scripts, the ``p3md`` sources) and compute each stage's cache key;
3. skip unchanged stages (their outputs are copied over from the last good ``reports/``); run
   the others as soon as their own upstream stages are done (up to ``max_workers`` at once,
   on Dask's local scheduler, :mod:`p3md.pipeline.stage_graph`): input gates, the notebook with
   papermill in a fresh kernel (:mod:`p3md.pipeline.kernels`), output gates on the CSVs it
   wrote. After the first failure no further stage starts;
4. on success write ``manifest.json``, render the site into the staging folder and swap it in
   for ``reports/``; copy ``derived/`` to ``data/derived``. On failure keep the staging folder
   as ``.p3md-work/failed-<out>`` (with ``gates/failures.json``) and leave ``reports/``
   untouched (:mod:`p3md.pipeline.atomic`: the work folder is ignored by git).
"""

from __future__ import annotations

import contextlib
import inspect
import shutil
import sys
import threading
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import p3md
from p3md import PROJECT_ROOT
from p3md.pipeline import atomic
from p3md.pipeline.execute import StageError, execute_stage
from p3md.pipeline.hashing import (
    raw_files_by_key,
    sha256_file,
    sha256_json,
    stage_key,
    tree_hash,
)
from p3md.pipeline.manifest import build_manifest, git_info, now_iso, read_manifest, write_manifest
from p3md.pipeline.pairing import input_key, sync_pairs
from p3md.pipeline.params import RunParams
from p3md.pipeline.products import ProductError, check_written, claim
from p3md.pipeline.run_gates import GateSteps
from p3md.pipeline.stages import DISTRICTS, PUBLISHED, Stage, topological_order, upstream_closure
from p3md.pipeline.system_errors import folder_size, is_system_error, system_failure

if TYPE_CHECKING:  # gates import pandas; a run that skips every stage never needs them
    from p3md.pipeline.gates import GateResult

Echo = Callable[[str], None]
Reader = Callable[[Path, Any], dict[str, Any]]
Renderer = Callable[..., Any]


@dataclass
class StageRecord:
    """What happened to one stage in this run."""

    name: str
    title: str
    status: str = "pending"  # ran | skipped | failed | kept | not-run
    seconds: float = 0.0
    cache_key: str = ""
    outputs: list[str] = field(default_factory=list)
    gates: list[dict[str, Any]] = field(default_factory=list)
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "cache_key": self.cache_key,
            "outputs": sorted(self.outputs),
            "gates": self.gates,
            "message": self.message,
        }


@dataclass
class RunResult:
    """The outcome of :func:`run_pipeline`."""

    success: bool
    exit_code: int
    out_dir: Path
    stages: list[StageRecord]
    message: str = ""
    failure: Exception | None = None
    manifest: dict[str, Any] | None = None
    site_index: Path | None = None
    renderer: str | None = None
    failed_dir: Path | None = None

    def status(self, name: str) -> str:
        return next(s.status for s in self.stages if s.name == name)


#: Files of the run folder that no stage makes but that belong to the report: the benchmark's
#: measurements (``make bench``, see :mod:`p3md.bench`) are carried from the last good run into
#: every new one, so a rerun of the study never loses them, and their hash is part of the
#: site's key, so the site's benchmark page is re-rendered when they change.
CARRIED_FILES = ("bench.json",)

#: Folders of a run folder that no run of its own stages makes and every new run keeps as
#: they are: the districts' run folders of a multi-district run (:mod:`p3md.pipeline.districts`
#: writes them, each atomically, before the top-level run that swaps in beside them).
KEPT_DIRS = ("districts",)
#: The index of a multi-district run's districts, in ``districts_dir``.
DISTRICTS_INDEX = "districts.json"

#: What :func:`p3md.site.render_site` writes into a run folder besides ``site/``.
#: The benchmark page's figure is drawn at render time (``p3md.site.bench_page.FIGURE_LABEL``;
#: not imported here, the site package is heavy for a no-op run; a test keeps them equal).
RENDER_PROJECT_FILES = (
    "_quarto.yml",
    "index.qmd",
    "references.bib",
    "apa.csl",
    "pages",
    "_generated",
    "downloads",
    "figures/fig-kinerja-skala.png",
    "figures/fig-kinerja-skala.svg",
)


#: ``renderer=HTML_ONLY``: the site as ``"auto"`` renders it, without the book's PDF (a
#: district's site in a multi-district run: its PDF would cost more than its analysis).
HTML_ONLY = "auto-html"


#: Warnings of the site module that say a printed form of the book was not made.
PRINT_WARNINGS = {"pdf:": "PDF", "docx:": "Word (DOCX)"}


class OutputMissing(RuntimeError):
    """The book's PDF (or Word copy) could not be made although the run was asked for it: the
    run fails (exit != 0) and the last good report stays, so that no output is lost silently
    and the next run tries again (issue 19)."""

    def __init__(self, what: str, cause: str) -> None:
        self.what, self.cause = what, cause
        super().__init__(
            f"the book's {what} could not be made: {cause}\n"
            f"The website was rendered, but a report without its {what} is not swapped in. "
            "Fix the cause named above, or ask for the website only: "
            "`make report ARGS=--no-pdf` (`python -m p3md report --no-pdf`)."
        )

    def to_dict(self) -> dict[str, Any]:
        return {"output": self.what, "cause": self.cause}


class PipelineSafetyError(RuntimeError):
    """The run would write where it must not (the data folder)."""


def run_pipeline(
    params: RunParams,
    force: bool = False,
    only: str | Sequence[str] | None = None,
    renderer: Renderer | str | None = "auto",
    *,
    stages: Sequence[Stage] | None = None,
    project_root: Path = PROJECT_ROOT,
    derived_dir: Path | None = None,
    max_workers: int = 2,
    echo: Echo | None = None,
    reader: Reader | None = None,
    kernel_server: Any = None,
    only_if_unchanged: bool = False,
    package_sha: str | None = None,
) -> RunResult | None:
    """Run the pipeline into ``params.out_dir`` atomically.

    Args:
        params: validated run parameters (see :func:`p3md.pipeline.params.make_params`).
        force: rerun every stage, ignoring the cache.
        only: run only these stages (and whatever they depend on); the other stages' outputs
            of the last good run are kept as they are.
        renderer: ``"auto"`` = :func:`p3md.site.render_site` if importable, ``"auto-html"``
            the same without the PDF, ``None`` = no site, or a callable
            ``(project_dir, out_dir) -> result with .renderer``.
        stages: the stage registry (default :data:`p3md.pipeline.stages.STAGES`, looked up at
            call time so tests can inject fixture registries).
        project_root: notebooks run with this working directory.
        derived_dir: where ``derived/*.csv`` are copied on success (``None`` = nowhere).
        max_workers: independent stages run in parallel up to this many at once.
        echo: progress printer (default: ``print`` to stdout, flushed).
        reader: ``(data_dir, codebook) -> {file key: DataFrame}``; default
            :func:`p3md.io.readers.read_raw_dir` (imported when first needed).
        kernel_server: a running :class:`p3md.pipeline.kernels.ForkServer` to fork the stage
            kernels from (a Dask worker's, set up once per worker); default: the run starts
            and stops its own.
        only_if_unchanged: only find out whether anything changed: the unchanged result when
            nothing did, else ``None`` with nothing run or written.
        package_sha: the ``p3md`` source tree's hash when the caller has it (a multi-district
            run checks every district against the same code); default: computed here.
    """
    if stages is None:
        from p3md.pipeline import stages as registry

        stages = registry.STAGES
    echo = echo or _print
    out_dir = Path(params.out_dir).resolve()
    data_dir = Path(params.data_dir).resolve()
    _assert_not_in_data(data_dir, out_dir, derived_dir)
    try:
        lock = atomic.run_lock(out_dir)
        lock.__enter__()
    except OSError as exc:  # the output folder's parent is read-only, full ...
        if is_system_error(exc):
            raise system_failure(exc, "preparing the output folder", out_dir) from None
        raise
    with contextlib.ExitStack() as stack:
        stack.push(lock)
        for stale in atomic.cleanup_stale(out_dir):
            echo(f"Removed stale staging folder {stale.name} (its run died)")
        run: _Run | None = None
        try:
            staging = atomic.make_staging(out_dir)
        except OSError as exc:
            if is_system_error(exc):
                raise system_failure(exc, "preparing the staging folder", out_dir) from None
            raise
        try:
            run = _Run(
                params,
                staging,
                out_dir,
                force,
                only,
                renderer,
                list(stages),
                project_root,
                derived_dir,
                max_workers,
                echo,
                reader,
            )
            run.shared_server = kernel_server
            run.probe_only = only_if_unchanged
            run.known_package_sha = package_sha
            return run.execute()
        except BaseException as exc:
            # Ctrl-C, a bug or the machine: never leave a half-built staging folder behind.
            written = folder_size(staging) if is_system_error(exc) else 0
            shutil.rmtree(staging, ignore_errors=True)
            if is_system_error(exc):
                step = run.step if run is not None else "preparing the run"
                raise system_failure(exc, step, out_dir, written, staging) from None  # type: ignore[arg-type]
            raise


def _print(line: str) -> None:
    # One write per line: two stages finish at the same time in two threads, and print()
    # writes the text and its newline separately (the lines ran into each other).
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _assert_not_in_data(data_dir: Path, out_dir: Path, derived_dir: Path | None) -> None:
    for what, path in (("output folder", out_dir), ("derived folder", derived_dir)):
        if path is None:
            continue
        path = path.resolve()
        if atomic.is_within(path, data_dir) or atomic.is_within(data_dir, path):
            raise PipelineSafetyError(
                f"The {what} {path} overlaps the data folder {data_dir}; the pipeline never "
                f"writes into or replaces the data folder. Choose another --out."
            )


class _Run(GateSteps):
    """State of one run (kept out of the public API)."""

    def __init__(
        self,
        params: RunParams,
        staging: Path,
        out_dir: Path,
        force: bool,
        only: str | Sequence[str] | None,
        renderer: Renderer | str | None,
        stages: list[Stage],
        project_root: Path,
        derived_dir: Path | None,
        max_workers: int,
        echo: Echo,
        reader: Reader | None,
    ) -> None:
        self.reader = reader
        #: What the run is doing, for a message when the machine stops it (disk full ...).
        self.step = "checking the inputs"
        self.params, self.staging, self.out_dir = params, staging, out_dir
        self.force, self.renderer, self.stages = force, renderer, stages
        self.project_root, self.derived_dir = project_root, derived_dir
        self.max_workers, self.echo = max(1, max_workers), echo
        self.order = topological_order(stages)
        #: Every stage of the registry given, with those left out (``omitted``), for records.
        self.full_order = list(self.order)
        self.omitted: dict[str, str] = {}
        names = [only] if isinstance(only, str) else list(only or [])
        self.selected = upstream_closure(stages, names) if names else {s.name for s in stages}
        self.previous = atomic_previous(out_dir)
        self.records = {s.name: StageRecord(s.name, s.title) for s in stages}
        self.keys: dict[str, str] = {}
        self.gate_results: list[GateResult] = []
        self.raw_gate_cache: dict[str, GateResult] = {}
        self._frames: dict[str, Any] | None = None
        self._cb: Any = None
        self.shared_server: Any = None
        self.probe_only = False
        self.known_package_sha: str | None = None
        self.started = now_iso()

    # -- inputs and keys ------------------------------------------------------------------
    def _hash_inputs(self) -> None:
        from p3md.codebook import load_codebook

        p = self.params
        # --set max_missing_share reaches the input gates as well as the notebooks.
        self._cb = load_codebook(p.codebook_path, data_dir=p.data_dir).with_max_missing_share(
            p.max_missing_share
        )
        stems = {k: Path(spec.path).stem for k, spec in self._cb.files.items()}
        self.raw_by_key, self.raw_unmatched = raw_files_by_key(p.data_dir, stems)
        self._add_files_the_reader_uses()
        self.inputs: dict[str, str] = {}
        self.raw_sha: dict[str, str] = {}
        for path in [f for files in self.raw_by_key.values() for f in files] + self.raw_unmatched:
            name = self._raw_name(path)
            self.raw_sha[name] = sha256_file(path)
            self.inputs[f"raw/{name}"] = self.raw_sha[name]
        self.codebook_sha = sha256_file(p.codebook_path)
        self.inputs[f"codebook/{p.codebook_path.name}"] = self.codebook_sha
        self.published_sha = sha256_file(p.published_path) if p.published_path.is_file() else None
        if self.published_sha:
            self.inputs[f"published/{p.published_path.name}"] = self.published_sha
        # The .py of a jupytext pair is synced into the .ipynb (or the other way round) before
        # the .ipynb is hashed, so an edit of either file reruns the stage.
        recorded = (self.previous or {}).get("inputs", {})
        pairs = sync_pairs([s.notebook for s in self.stages], recorded, self.echo)
        for pair in pairs.values():
            self.inputs[input_key(pair.script)] = pair.script_sha
        self.notebook_sha: dict[str, str] = {}
        for s in self.stages:
            if s.notebook in pairs:
                self.notebook_sha[s.name] = pairs[s.notebook].notebook_sha
                self.inputs[input_key(s.notebook)] = self.notebook_sha[s.name]
            elif s.notebook.is_file():
                self.notebook_sha[s.name] = sha256_file(s.notebook)
                self.inputs[input_key(s.notebook)] = self.notebook_sha[s.name]
            else:
                self.notebook_sha[s.name] = "missing"
        self.package_sha = self.known_package_sha or tree_hash(Path(p3md.__file__).parent)
        self.districts_sha: str | None = None
        if any(s.reads_districts for s in self.stages):
            # The districts' results: their index names every district's status and stage keys.
            index = Path(p.districts_dir or ".") / DISTRICTS_INDEX
            self.districts_sha = sha256_file(index) if p.districts_dir and index.is_file() else None
            self.inputs[f"districts/{DISTRICTS_INDEX}"] = self.districts_sha or "missing"
        # Listed with the inputs so the change report says when only the code changed.
        self.inputs["package/p3md-source-tree"] = self.package_sha

    def _add_files_the_reader_uses(self) -> None:
        """Files the reader reads for a key that are not ``<stem>.*`` at the top of the data
        folder (a form export named in ``mapping.yaml``, possibly in a sub-folder, with the
        mapping itself) join that key's files, so they are hashed into the key of every stage
        that reads it (:func:`p3md.io.readers.input_files`; every such path is inside the
        folder). A folder the reader refuses (a path outside it) gets a marker instead, so no
        stage is taken from the cache: the input gate reports the problem."""
        from p3md.io.errors import RawDataError
        from p3md.io.readers import input_files

        self.raw_refused: str | None = None
        try:
            used = input_files(self.params.data_dir, self._cb)
        except RawDataError as exc:
            self.raw_refused = sha256_json(exc.to_dict())
            return
        known = {f.resolve() for f in self.raw_unmatched}
        known |= {f.resolve() for files in self.raw_by_key.values() for f in files}
        for key, files in used.items():
            for path in files:
                if path not in known:
                    self.raw_by_key.setdefault(key, []).append(path)
                    known.add(path)

    def _raw_name(self, path: Path) -> str:
        """A data file's name in the manifest and the keys: relative to the data folder."""
        folder = Path(self.params.data_dir)
        for root in (folder, folder.resolve()):
            if path.is_relative_to(root):
                return path.relative_to(root).as_posix()
        return path.name

    def _key(self, stage: Stage) -> str:
        raw: dict[str, str] = {}
        for key in (*stage.raw_inputs, *stage.optional_raw_inputs):
            for path in self.raw_by_key.get(key, []):
                raw[self._raw_name(path)] = self.raw_sha[self._raw_name(path)]
            if not self.raw_by_key.get(key):
                raw[f"<missing {key}>"] = "missing"
        if stage.raw_inputs or stage.optional_raw_inputs:
            for path in self.raw_unmatched:
                raw[self._raw_name(path)] = self.raw_sha[self._raw_name(path)]
            if self.raw_refused:
                raw["<refused by the reader>"] = self.raw_refused
        return stage_key(
            notebook_sha=self.notebook_sha[stage.name],
            parameters=self.params.cache_parameters(),
            raw=raw,
            published_sha=self.published_sha if stage.reads_published else None,
            codebook_sha=self.codebook_sha,
            package_sha=self.package_sha,
            upstream={u: self.keys[u] for u in stage.upstream}
            | ({"<districts>": self.districts_sha or "missing"} if stage.reads_districts else {}),
        )

    def _has_input(self, key: str) -> bool:
        if key == PUBLISHED:
            return self.published_sha is not None
        if key == DISTRICTS:
            return self.districts_sha is not None
        return bool(self.raw_by_key.get(key))

    def _gate_keys(self, stage: Stage) -> tuple[str, ...]:
        """The raw files the input gates check before ``stage``: the required ones (a missing
        one fails its gate) and the optional ones that are there."""
        present = tuple(k for k in stage.optional_raw_inputs if self._has_input(k))
        return (*stage.raw_inputs, *present)

    def _omit_inapplicable(self) -> None:
        """Leave out the stages whose ``only_if`` inputs are absent, and what depends on them
        (one line each: why); their chapters are then not in the book."""
        self.omitted: dict[str, str] = {}
        for stage in topological_order(self.stages):
            missing = [k for k in stage.only_if if not self._has_input(k)]
            gone = [u for u in stage.upstream if u in self.omitted]
            if missing:
                self.omitted[stage.name] = "no " + ", ".join(self._input_words(k) for k in missing)
            elif gone:
                self.omitted[stage.name] = f"it needs {', '.join(gone)}, which is left out"
        for name, why in self.omitted.items():
            self.records[name].status, self.records[name].message = "omitted", f"left out: {why}"
            self.echo(f"{name} ... left out: {why} (no chapter in the book)")
        if self.omitted:
            self.stages = [s for s in self.stages if s.name not in self.omitted]
            self.order = topological_order(self.stages)
            self.selected &= {s.name for s in self.stages}

    def _input_words(self, key: str) -> str:
        p = self.params
        if key == PUBLISHED:
            return f"published values ({_rel(Path(p.published_path))})"
        if key == DISTRICTS:
            return "districts' index (districts_dir)"
        spec = self._cb.files.get(key) if self._cb is not None else None
        name = Path(spec.path).stem if spec is not None else key
        return f"{name} file in {_rel(Path(p.data_dir))}"

    # -- main loop ------------------------------------------------------------------------
    def execute(self) -> RunResult | None:
        self._hash_inputs()
        self._omit_inapplicable()
        n = len(self.order)
        self.number = {s.name: i + 1 for i, s in enumerate(self.order)}
        # Every key is known before anything runs (a key depends on the upstream keys, never on
        # outputs), so what must run is decided up front and the kernels can be prepared.
        to_run: list[Stage] = []
        for stage in self.order:
            self.keys[stage.name] = self.records[stage.name].cache_key = self._key(stage)
        if self._up_to_date():
            return self._unchanged()
        if self.probe_only:
            shutil.rmtree(self.staging, ignore_errors=True)
            return None
        for stage in self.order:
            rec = self.records[stage.name]
            if stage.name not in self.selected:
                self._keep(stage, rec, self.number[stage.name], n)
            elif self._can_skip(stage):
                self._carry(stage, rec)
                rec.status = "skipped"
                self.echo(f"[{self.number[stage.name]}/{n}] {stage.name} ... skipped (unchanged)")
            else:
                to_run.append(stage)
        failure: Exception | None = None
        if to_run:
            self.step = "running the stages and their gates"
            failure = self._run_stages(to_run)
        if failure is None:
            failure = self._check_data_untouched()
        if failure is not None:
            return self._fail(failure)
        return self._succeed()

    def _up_to_date(self) -> bool:
        """Whether the last good ``reports/`` is already this run's result: every stage
        unchanged with its outputs in place, and the same site from the same sources."""
        if self.force or not self.previous or len(self.selected) < len(self.stages):
            return False
        if not all(self._can_skip(s) for s in self.stages):
            return False
        prev_site = self.previous.get("site") or {}
        if self.renderer is None:
            return not prev_site.get("key")
        return (
            prev_site.get("key") == self._site_key(self.out_dir)
            and (self.out_dir / "site" / "index.html").is_file()
        )

    def _unchanged(self) -> RunResult:
        """Nothing changed: leave ``reports/`` exactly as it is (as ``make`` does), and say so.

        Its manifest keeps describing the run that made it. Only ``data/derived`` is refreshed,
        in case it was deleted.
        """
        shutil.rmtree(self.staging, ignore_errors=True)
        n = len(self.order)
        for stage in self.order:
            rec = self.records[stage.name]
            rec.status = "skipped"
            rec.outputs = list((self._prev_stage(stage.name) or {}).get("outputs", []))
            self.echo(f"[{self.number[stage.name]}/{n}] {stage.name} ... skipped (unchanged)")
        if self.derived_dir is not None and (self.out_dir / "derived").is_dir():
            _replace_folder(self.out_dir / "derived", self.derived_dir)
        site_index = self.out_dir / "site" / "index.html"
        renderer = (self.previous or {}).get("renderer")
        if self.renderer is not None:
            self.echo("site ... skipped (unchanged)")
            self._echo_site(site_index, renderer, (self.previous or {}).get("pdf"))
        self.echo(
            f"Nothing changed since the run of {(self.previous or {}).get('finished')}; "
            f"{_rel(self.out_dir)} is left as it is."
        )
        return RunResult(
            True,
            0,
            self.out_dir,
            self._all_records(),
            message="ok (unchanged)",
            manifest=self.previous,
            site_index=site_index if self.renderer is not None else None,
            renderer=renderer if self.renderer is not None else None,
        )

    def _keep(self, stage: Stage, rec: StageRecord, k: int, n: int) -> None:
        prev = self._prev_stage(stage.name)
        if prev and self._outputs_exist(prev):
            self._carry(stage, rec)
            rec.status = "kept"
            # The kept files belong to the key of the run that made them, not to today's inputs.
            rec.cache_key = prev.get("cache_key", rec.cache_key)
            self.echo(f"[{k}/{n}] {stage.name} ... kept from the last good run (not selected)")
        else:
            rec.status = "not-run"
            self.echo(f"[{k}/{n}] {stage.name} ... not run (not selected, no earlier output)")

    def _outputs_exist(self, prev: dict[str, Any]) -> bool:
        return all((self.out_dir / rel).is_file() for rel in prev.get("outputs", []))

    def _can_skip(self, stage: Stage) -> bool:
        if self.force:
            return False
        prev = self._prev_stage(stage.name)
        return bool(
            prev
            and prev.get("status") in ("ran", "skipped", "kept")
            and prev.get("cache_key") == self.keys[stage.name]
            and self._outputs_exist(prev)
        )

    def _carry(self, stage: Stage, rec: StageRecord) -> None:
        """Copy a stage's outputs (and gate records) of the last good run into staging."""
        prev = self._prev_stage(stage.name) or {}
        for rel in prev.get("outputs", []):
            atomic.carry_file(self.out_dir / rel, self.staging / rel)
        rec.outputs = list(prev.get("outputs", []))
        rec.gates = [dict(g, cached=True) for g in prev.get("gates", [])]

    def _run_stages(self, to_run: list[Stage]) -> Exception | None:
        """Run ``to_run``, each stage as soon as its upstream stages are done (see
        :mod:`p3md.pipeline.stage_graph`): input gates, notebook, output gates.

        Gates never run concurrently (one lock): GX's shared context is not thread-safe. While
        one worker validates, the other's kernel computes, so the cores stay busy. Kernels are
        forked from a server that has the notebooks' imports done (:mod:`p3md.pipeline.kernels`)
        where that is supported; its imports run while the first gates do.
        """
        from p3md.pipeline.kernels import ForkServer, fork_supported, notebook_imports
        from p3md.pipeline.stage_graph import run_stage_graph

        n = len(self.order)
        before = _snapshot(self.staging)
        self.claimed: set[str] = set()
        running: set[str] = set()
        gate_lock, claim_lock = threading.Lock(), threading.Lock()

        def work(stage: Stage) -> Exception | None:
            rec = self.records[stage.name]
            with gate_lock:
                failure: Exception | None = self._input_gates(stage)
            if failure is None:
                t0 = time.perf_counter()
                with claim_lock:
                    running.add(stage.name)
                try:
                    self._execute(stage)
                except StageError as exc:
                    failure = exc
                rec.seconds = time.perf_counter() - t0
                with claim_lock:
                    try:
                        self._claim_outputs(stage, before, sorted(running))
                    except ProductError as exc:
                        failure = failure or exc
                    running.discard(stage.name)
            if failure is None:
                with gate_lock:
                    failure = self._output_gates(stage)
            if failure is not None:
                self._mark_failed(stage, failure, self.number, n)
                return failure
            rec.status = "ran"
            k = self.number[stage.name]
            self.echo(f"[{k}/{n}] {stage.name} ... ran in {rec.seconds:.1f} s")
            return None

        if self._gates_will_run(to_run):
            # great-expectations takes seconds to import; start now, beside the kernel server's
            # imports, rather than when the first gate needs it.
            from p3md.pipeline import gx_runtime

            threading.Thread(target=gx_runtime.gx, name="gx-import", daemon=True).start()
        own_server = self.shared_server is None or not self.shared_server.alive()
        self.kernel_server = self.shared_server if not own_server else None
        if own_server and fork_supported():
            self.kernel_server = ForkServer(notebook_imports(s.notebook for s in to_run))
        try:
            failures = run_stage_graph(
                self.stages, [s.name for s in to_run], work, max_workers=self.max_workers
            )
        finally:
            if own_server and self.kernel_server is not None:
                self.kernel_server.close()
        # A data gate's failure explains the run better than a notebook that failed beside it.
        from p3md.pipeline.gates import GateFailure

        gate_failures = [f for f in failures if isinstance(f, GateFailure)]
        return (gate_failures or failures or [None])[0]

    def _mark_failed(
        self, stage: Stage, failure: Exception, number: dict[str, int], n: int
    ) -> None:
        rec = self.records[stage.name]
        rec.status = "failed"
        rec.message = str(failure)
        self.echo(f"[{number[stage.name]}/{n}] {stage.name} ... FAILED")

    # -- notebooks --------------------------------------------------------------------------
    def _execute(self, stage: Stage) -> None:
        if not stage.notebook.is_file():
            raise StageError(
                stage.name, "FileNotFoundError", f"notebook {stage.notebook} does not exist", None
            )
        output = self.staging / stage.executed_notebook
        execute_stage(
            stage.name,
            stage.notebook,
            output,
            self.params.notebook_parameters(out_dir=self.staging),
            self.project_root,
            kernel_server=getattr(self, "kernel_server", None),
        )

    def _claim_outputs(self, stage: Stage, before: set[str], running: list[str]) -> None:
        """Give ``stage`` the new files the registry declares as its products (called when it
        finishes, under a lock), then check that it wrote every declared product
        (:mod:`p3md.pipeline.products`; a file declared nowhere stops the run)."""
        rec = self.records[stage.name]
        new = _snapshot(self.staging) - before - self.claimed
        mine = claim(stage, new, self.stages, running)
        self.claimed.update(mine)
        rec.outputs.extend(mine)
        check_written(stage, rec.outputs)

    def _all_records(self) -> list[StageRecord]:
        return [self.records[s.name] for s in self.full_order]

    # -- end of run ---------------------------------------------------------------------------
    def _check_data_untouched(self) -> Exception | None:
        now = {
            p.name: sha256_file(p)
            for p in self.params.data_dir.iterdir()
            if p.is_file() and not p.name.startswith(".")
        }
        # Files in sub-folders that the reader used (a mapped export in exports/).
        for files in self.raw_by_key.values():
            for path in files:
                if self._raw_name(path) not in now and path.is_file():
                    now[self._raw_name(path)] = sha256_file(path)
        if now != self.raw_sha:
            return PipelineSafetyError(
                f"a stage changed files in the data folder {self.params.data_dir} "
                f"(before: {sorted(self.raw_sha)}, after: {sorted(now)}); notebooks must "
                f"write only under out_dir"
            )
        return None

    def _manifest(self, success: bool, renderer: str | None) -> dict[str, Any]:
        if not hasattr(self, "git"):  # asked once: a run writes its manifest twice
            self.git = git_info(self.project_root)
        return build_manifest(
            git=self.git,
            started=self.started,
            finished=now_iso(),
            success=success,
            inputs=self.inputs,
            parameters=self.params.notebook_parameters(out_dir=self.out_dir),
            stages=[r.to_dict() for r in self._all_records()],
            gates=[g for s in self.order for g in self.records[s.name].gates],
            renderer=renderer,
            project_root=self.project_root,
            previous=self.previous,
            package_sha=self.package_sha,
            extra={
                "site": {"key": getattr(self, "site_key", None), "renderer": renderer},
                "pdf": getattr(self, "pdf_record", None),
                "docx": getattr(self, "docx_record", None),
                "only": sorted(self.selected) if len(self.selected) < len(self.stages) else None,
                "forced": self.force,
            },
        )

    def _fail(self, failure: Exception) -> RunResult:
        from p3md.pipeline.gates import GateFailure

        if isinstance(failure, GateFailure):
            failure.write(self.staging / "gates" / "failures.json")
        else:
            import json

            payload = failure.to_dict() if hasattr(failure, "to_dict") else {}
            doc = {"failures": [dict(payload, message=str(failure))]}
            (self.staging / "gates").mkdir(exist_ok=True)
            (self.staging / "gates" / "failures.json").write_text(
                json.dumps(doc, indent=2, ensure_ascii=False, default=str) + "\n"
            )
        manifest = self._manifest(False, None)
        write_manifest(self.staging, manifest)
        failed_dir = atomic.keep_failed(self.staging, self.out_dir)
        where = (
            f"Details: {_rel(failed_dir / 'gates' / 'failures.json')}; "
            f"the last good report in {_rel(self.out_dir)} is unchanged."
        )
        return RunResult(
            False,
            1,
            self.out_dir,
            self._all_records(),
            message=f"{failure}\n\n{where}",
            failure=failure,
            manifest=manifest,
            failed_dir=failed_dir,
        )

    def _succeed(self) -> RunResult:
        for name in CARRIED_FILES:
            if (self.out_dir / name).is_file() and not (self.staging / name).exists():
                shutil.copy2(self.out_dir / name, self.staging / name)
        self.step = "writing the manifest"
        manifest = self._manifest(True, None)
        write_manifest(self.staging, manifest)
        self.step = "rendering the site and the PDF"
        renderer_name, site_index = self._render()
        if getattr(self, "print_failure", None) is not None:
            return self._fail(self.print_failure)
        self.step = "writing the manifest"
        manifest = self._manifest(True, renderer_name)
        write_manifest(self.staging, manifest)
        self.step = "swapping in the new report"
        atomic.swap_in(self.staging, self.out_dir, keep=KEPT_DIRS)
        if self.derived_dir is not None and (self.out_dir / "derived").is_dir():
            self.step = f"copying derived/ to {self.derived_dir}"
            _replace_folder(self.out_dir / "derived", self.derived_dir)
        site_index = self.out_dir / "site" / "index.html" if site_index else None
        if site_index is not None:
            self._echo_site(site_index, renderer_name, getattr(self, "pdf_record", None))
        else:
            self.echo(f"Report: {_rel(self.out_dir)} (site not rendered)")
        return RunResult(
            True,
            0,
            self.out_dir,
            self._all_records(),
            message="ok",
            manifest=manifest,
            site_index=site_index,
            renderer=renderer_name,
        )

    def _echo_site(self, index: Path, renderer: str | None, pdf: dict[str, Any] | None) -> None:
        """The last lines of a run: where the site and the PDF are, and what made them."""
        self.echo(f"Site: {_rel(index)} (rendered with {renderer})")
        if pdf and pdf.get("path"):
            self.echo(f"PDF:  {_rel(self.out_dir / pdf['path'])} ({pdf.get('engine')})")
        elif getattr(self, "pdf_problem", None):
            self.echo(f"PDF:  not made: {self.pdf_problem}")
        docx = getattr(self, "docx_record", None)
        if docx and docx.get("path"):
            self.echo(f"Word: {_rel(self.out_dir / docx['path'])}")

    def _pdf_record(self, result: Any, site_dir: Path) -> dict[str, Any] | None:
        """The manifest's entry for the book's PDF: path in the run folder, SHA-256, engine."""
        pdf = getattr(result, "pdf", None)
        if pdf is None or not Path(pdf).is_file():
            return None
        return {
            "path": f"site/{Path(pdf).relative_to(site_dir).as_posix()}",
            "sha256": sha256_file(Path(pdf)),
            "engine": getattr(result, "pdf_engine", None),
            "seconds": round(float(getattr(result, "pdf_seconds", 0.0)), 3),
        }

    def _docx_record(self, result: Any, site_dir: Path) -> dict[str, Any] | None:
        """The manifest's entry for the book's Word copy: path in the run folder, SHA-256."""
        docx = getattr(result, "docx", None)
        if docx is None or not Path(docx).is_file():
            return None
        return {
            "path": f"site/{Path(docx).relative_to(site_dir).as_posix()}",
            "sha256": sha256_file(Path(docx)),
            "engine": "pandoc-docx",
            "seconds": round(float(getattr(result, "docx_seconds", 0.0)), 3),
        }

    def _site_key(self, run_dir: Path) -> str:
        """What the site is made of: every stage's key, the code, the hand-written pages and
        the carried files of ``run_dir``."""
        root = self.project_root
        parts: dict[str, str] = {f"stage:{k}": v for k, v in self.keys.items()}
        parts["package"] = self.package_sha
        if (root / "pages").is_dir():
            parts["pages"] = tree_hash(root / "pages", (".qmd", ".md", ".yml", ".yaml", ".bib"))
        for name in ("_quarto.yml", "references.bib", "stages.yaml"):
            if (root / name).is_file():
                parts[name] = sha256_file(root / name)
        for name in CARRIED_FILES:
            if (run_dir / name).is_file():
                parts[name] = sha256_file(run_dir / name)
        parts["renderer"] = repr(self.renderer) if not callable(self.renderer) else "callable"
        return sha256_json(parts)

    def _render(self) -> tuple[str | None, Path | None]:
        render = self.renderer
        if render is None:
            return None, None
        self.site_key = self._site_key(self.staging)
        prev_site = (self.previous or {}).get("site") or {}
        old_index = self.out_dir / "site" / "index.html"
        if (
            not self.force
            and all(r.status in ("skipped", "kept", "omitted") for r in self.records.values())
            and prev_site.get("key") == self.site_key
            and old_index.is_file()
        ):
            # Nothing the site is built from changed: reuse it (rendering costs seconds).
            shutil.copytree(self.out_dir / "site", self.staging / "site")
            # Also the render project the site module left in the run folder, so that
            # `quarto render reports/` still rebuilds the site after a no-op run.
            for name in RENDER_PROJECT_FILES:
                src, dst = self.out_dir / name, self.staging / name
                if dst.exists() or not src.exists():
                    continue
                if src.is_dir():
                    shutil.copytree(src, dst)
                else:
                    shutil.copy2(src, dst)
            self.echo("site ... skipped (unchanged)")
            self.pdf_record = (self.previous or {}).get("pdf")
            self.docx_record = (self.previous or {}).get("docx")
            return prev_site.get("renderer"), self.staging / "site" / "index.html"
        pdf = render != HTML_ONLY
        if render in ("auto", HTML_ONLY):
            try:
                from p3md.site import render_site as render  # type: ignore[attr-defined,no-redef]
            except ImportError:
                warnings.warn(
                    "p3md.site.render_site is not available; the site is not rendered", stacklevel=2
                )
                self.echo("warning: p3md.site.render_site is not available; site not rendered")
                return None, None
        assert callable(render)
        site_dir = self.staging / "site"
        kwargs: dict[str, Any] = {}
        try:
            sig = inspect.signature(render)
            for name in ("run_dir", "reports_dir"):
                if name in sig.parameters:
                    kwargs[name] = self.staging  # the site reads this run's tables/notebooks
            if not pdf and "pdf" in sig.parameters:
                kwargs["pdf"] = False
        except (TypeError, ValueError):
            pass
        result = render(self.project_root, site_dir, **kwargs)
        self.pdf_record = self._pdf_record(result, site_dir)
        self.docx_record = self._docx_record(result, site_dir)
        problems = [w for w in getattr(result, "warnings", []) or [] if str(w).startswith("pdf:")]
        self.pdf_problem = str(problems[0])[4:].strip().splitlines()[0] if problems else None
        name = getattr(result, "renderer", None) or getattr(render, "__name__", "custom")
        index = site_dir / "index.html"
        if self.renderer == "auto" and index.exists():
            self.print_failure = self._print_failure(result)
        return str(name), index if index.exists() else None

    def _print_failure(self, result: Any) -> OutputMissing | None:
        """A printed form the run asked for (``renderer="auto"``: the PDF, and the Word copy
        when the site module makes one) that was not made, with its cause."""
        for w in getattr(result, "warnings", []) or []:
            for prefix, what in PRINT_WARNINGS.items():
                if str(w).startswith(prefix):
                    lines = str(w)[len(prefix) :].strip().splitlines()
                    return OutputMissing(what, lines[0] if lines else "no reason given")
        if self.pdf_record is None:
            return OutputMissing("PDF", "the site module returned no PDF file")
        return None


def atomic_previous(out_dir: Path) -> dict[str, Any] | None:
    """The last good run's manifest (only successful runs ever become ``reports/``)."""
    return read_manifest(out_dir) if out_dir.is_dir() else None


def _snapshot(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name != atomic.OWNER_FILE
    }


def _replace_folder(src: Path, target: Path) -> None:
    """Atomically replace ``target`` with a copy of ``src``."""
    atomic.cleanup_stale(target)
    staging = atomic.make_staging(target)
    shutil.rmtree(staging)
    shutil.copytree(src, staging)
    atomic.swap_in(staging, target)


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def stderr(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()
