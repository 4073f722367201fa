"""``run_pipeline``: plan, execute, finish; the atomic swap of ``reports/``.

One run, in three steps:

1. **plan** (:mod:`p3md.pipeline.inputs`, :mod:`p3md.pipeline.plan`): refuse to write under
   ``data_dir``; take the run lock; remove staging folders of dead runs; hash every input once
   (raw files, codebook, published values, notebooks, the ``p3md`` modules each notebook
   imports) and decide, without touching a file, each stage's key and action: run, reuse
   (skip), keep (not selected with ``--only``), or leave out (an ``only_if`` input is absent).
   When nothing changed, ``reports/`` is left exactly as it is.
2. **execute**: reused stages' outputs are carried over from the last good run; the others
   run as soon as their own upstream stages are done (up to ``max_workers`` at once, on Dask's
   local scheduler, :mod:`p3md.pipeline.stage_graph`): input gates, the notebook with papermill
   in a fresh kernel (:mod:`p3md.pipeline.kernels`), the registry's products claimed and
   checked (:mod:`p3md.pipeline.products`), output gates (:class:`p3md.pipeline.run_gates.Gates`,
   a collaborator). After the first failure no further stage starts.
3. **finish**: on success write ``manifest.json``, let the site step (given by the caller,
   e.g. :class:`p3md.site.step.SiteStep`; the pipeline does not import the site) render into
   the staging folder or keep the last site when its key is unchanged, and swap the staging
   folder in for ``reports/``; copy ``derived/`` to ``data/derived``. On failure keep the
   staging folder as ``.p3md-work/failed-<out>`` (with ``gates/failures.json``) and leave
   ``reports/`` untouched (:mod:`p3md.pipeline.atomic`).
"""

from __future__ import annotations

import contextlib
import inspect
import json
import shutil
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import p3md
from p3md import PROJECT_ROOT
from p3md.pipeline import atomic
from p3md.pipeline.code_deps import package_root
from p3md.pipeline.execute import StageError, execute_stage
from p3md.pipeline.hashing import sha256_file, sha256_json, tree_hash
from p3md.pipeline.inputs import DISTRICTS_INDEX, take_snapshot
from p3md.pipeline.manifest import (
    StageRecord,
    build_manifest,
    git_info,
    now_iso,
    read_manifest,
    write_manifest,
)
from p3md.pipeline.params import RunParams, override_warnings
from p3md.pipeline.plan import KEEP, NOT_RUN, OMITTED, RUN, SKIP, Plan, make_plan
from p3md.pipeline.products import ProductError, check_written, claim
from p3md.pipeline.run_gates import Gates, Reader
from p3md.pipeline.stages import PUBLISHED, Stage
from p3md.pipeline.system_errors import folder_size, is_system_error, system_failure

Echo = Callable[[str], None]

__all__ = [
    "CARRIED_FILES",
    "DISTRICTS_INDEX",
    "KEPT_DIRS",
    "OutputMissing",
    "PipelineSafetyError",
    "RunResult",
    "Site",
    "StageRecord",
    "run_pipeline",
]


class Site(Protocol):
    """What the runner needs of a site builder (:class:`p3md.site.step.SiteStep`)."""

    project_files: tuple[str, ...]

    def key(
        self,
        project_root: Path,
        run_dir: Path,
        stage_keys: Mapping[str, str],
        code_cache: dict[str, Any] | None = None,
    ) -> str: ...

    def render(self, project_root: Path, run_dir: Path) -> Any: ...


class CallableSite:
    """A plain render function ``(project_dir, target, *, run_dir=None) -> result with
    .renderer`` as a site step (tests); its key is the stages' keys and the carried files."""

    project_files: tuple[str, ...] = ()

    def __init__(self, render: Callable[..., Any]) -> None:
        self.fn = render

    def key(
        self,
        project_root: Path,
        run_dir: Path,
        stage_keys: Mapping[str, str],
        code_cache: dict[str, Any] | None = None,
    ) -> str:
        carried = {
            name: sha256_file(run_dir / name)
            for name in CARRIED_FILES
            if (run_dir / name).is_file()
        }
        return sha256_json({"stages": dict(stage_keys), "carried": carried, "renderer": "fn"})

    def render(self, project_root: Path, run_dir: Path) -> Any:
        kwargs: dict[str, Any] = {}
        try:
            if "run_dir" in inspect.signature(self.fn).parameters:
                kwargs["run_dir"] = run_dir
        except (TypeError, ValueError):
            pass
        return self.fn(project_root, run_dir / "site", **kwargs)


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
#: every new one, so a rerun of the study never loses them (the site's key includes them).
CARRIED_FILES = ("bench.json",)

#: Folders of a run folder that no run of its own stages makes and every new run keeps as
#: they are: the districts' run folders of a multi-district run (:mod:`p3md.pipeline.districts`
#: writes them, each atomically, before the top-level run that swaps in beside them).
KEPT_DIRS = ("districts",)


class PipelineSafetyError(RuntimeError):
    """The run would write where it must not (the data folder)."""


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


def run_pipeline(
    params: RunParams,
    force: bool = False,
    only: str | Sequence[str] | None = None,
    renderer: Site | Callable[..., Any] | None = None,
    *,
    stages: Sequence[Stage] | None = None,
    project_root: Path = PROJECT_ROOT,
    derived_dir: Path | None = None,
    max_workers: int = 2,
    echo: Echo | None = None,
    reader: Reader | None = None,
    kernel_server: Any = None,
    only_if_unchanged: bool = False,
) -> RunResult | None:
    """Run the pipeline into ``params.out_dir`` atomically.

    Args:
        params: validated run parameters (see :func:`p3md.pipeline.params.make_params`).
        force: rerun every stage, ignoring the cache.
        only: run only these stages (and whatever they depend on); the other stages' outputs
            of the last good run are kept as they are.
        renderer: the site step (:class:`Site`, e.g. ``p3md.site.step.SiteStep()``), a plain
            render function ``(project_dir, site_dir, *, run_dir) -> result with .renderer``,
            or ``None``: no site.
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
    """
    if stages is None:
        from p3md.pipeline import stages as registry

        stages = registry.STAGES
    site: Site | None = None
    if renderer is not None:
        site = renderer if hasattr(renderer, "key") else CallableSite(renderer)  # type: ignore[arg-type]
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
                list(stages),
                site=site,
                force=force,
                only=[only] if isinstance(only, str) else list(only or []),
                project_root=project_root,
                derived_dir=derived_dir,
                max_workers=max_workers,
                echo=echo,
                reader=reader,
                kernel_server=kernel_server,
            )
            return run.execute(probe_only=only_if_unchanged)
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


class _Run:
    """State of one run (kept out of the public API)."""

    def __init__(
        self,
        params: RunParams,
        staging: Path,
        out_dir: Path,
        stages: list[Stage],
        *,
        site: Site | None,
        force: bool,
        only: list[str],
        project_root: Path,
        derived_dir: Path | None,
        max_workers: int,
        echo: Echo,
        reader: Reader | None,
        kernel_server: Any,
    ) -> None:
        #: What the run is doing, for a message when the machine stops it (disk full ...).
        self.step = "checking the inputs"
        self.params, self.staging, self.out_dir = params, staging, out_dir
        self.stages, self.site, self.force, self.only = stages, site, force, only
        self.project_root, self.derived_dir = project_root, derived_dir
        self.max_workers, self.echo = max(1, max_workers), echo
        self.reader, self.shared_server = reader, kernel_server
        self.previous = atomic_previous(out_dir)
        self.started = now_iso()
        self.site_key: str | None = None
        self.pdf_record: dict[str, Any] | None = None
        self.docx_record: dict[str, Any] | None = None
        self.pdf_problem: str | None = None
        self.print_failure: OutputMissing | None = None

    # -- 1. plan ----------------------------------------------------------------------------
    def _plan(self) -> Plan:
        self.snap = take_snapshot(self.params, self.stages, self.previous, self.echo)
        #: The package's import graph, kept in the manifest (no parse next time).
        self.code_cache: dict[str, Any] = {
            **((self.previous or {}).get("code") or {}),
            **self.snap.code_record,
        }
        present = {
            str(s.get("name")): all((self.out_dir / rel).is_file() for rel in s.get("outputs", []))
            for s in (self.previous or {}).get("stages", [])
        }
        plan = make_plan(
            self.stages,
            self.snap,
            self.previous,
            outputs_present=present,
            force=self.force,
            only=self.only,
        )
        self.records = {
            p.stage.name: StageRecord(
                p.stage.name, p.stage.title, cache_key=p.key, key_parts=p.parts
            )
            for p in plan.stages
        }
        for name, why in plan.omitted.items():
            rec = self.records[name]
            rec.status, rec.message = OMITTED, f"left out: {self._why_words(why)}"
            self.echo(f"{name} ... left out: {self._why_words(why)} (no chapter in the book)")
        self.order = plan.applicable
        self.number = {s.name: i + 1 for i, s in enumerate(self.order)}
        return plan

    def _why_words(self, why: str) -> str:
        """``no wioi_tests`` -> ``no wioi_tests file in data/raw`` (readers need the place)."""
        if not why.startswith("no "):
            return why
        words, files = [], []
        for key in why[3:].split(", "):
            if key == PUBLISHED:
                words.append(f"published values ({_rel(Path(self.params.published_path))})")
            elif key in self.snap.codebook.files:
                files.append(Path(self.snap.codebook.files[key].path).stem)
            else:
                words.append(key)
        if files:
            words.append(f"{' or '.join(files)} file in {_rel(Path(self.params.data_dir))}")
        return "no " + ", ".join(words)

    def _up_to_date(self, plan: Plan) -> bool:
        """Whether the last good ``reports/`` is already this run's result: every stage
        unchanged with its outputs in place, the same stages, and the same site."""
        if self.force or not self.previous or not plan.all_reused:
            return False
        before = {
            s.get("name") for s in self.previous.get("stages", []) if s.get("status") != OMITTED
        }
        if before != {s.name for s in plan.applicable}:
            return False
        prev_site = self.previous.get("site") or {}
        if self.site is None:
            return not prev_site.get("key")
        key = self.site.key(self.project_root, self.out_dir, plan.keys, self.code_cache)
        return prev_site.get("key") == key and (self.out_dir / "site" / "index.html").is_file()

    # -- 2. execute -------------------------------------------------------------------------
    def execute(self, probe_only: bool = False) -> RunResult | None:
        plan = self._plan()
        if self._up_to_date(plan):
            return self._unchanged()
        if probe_only:
            shutil.rmtree(self.staging, ignore_errors=True)
            return None
        n = len(self.order)
        for stage in self.order:
            action, rec, k = (
                plan[stage.name].action,
                self.records[stage.name],
                self.number[stage.name],
            )
            if action == KEEP:
                self._carry(stage, rec)
                rec.status = "kept"
                self.echo(f"[{k}/{n}] {stage.name} ... kept from the last good run (not selected)")
            elif action == NOT_RUN:
                rec.status = "not-run"
                self.echo(f"[{k}/{n}] {stage.name} ... not run (not selected, no earlier output)")
            elif action == SKIP:
                self._carry(stage, rec)
                rec.status = "skipped"
                self.echo(f"[{k}/{n}] {stage.name} ... skipped (unchanged)")
        self.gates = Gates(
            params=self.params,
            snapshot=self.snap,
            staging=self.staging,
            out_dir=self.out_dir,
            previous=self.previous,
            force=self.force,
            reader=self.reader,
        )
        failure: Exception | None = None
        to_run = [s for s in self.order if plan[s.name].action == RUN]
        if to_run:
            self.step = "running the stages and their gates"
            failure = self._run_stages(to_run)
        if failure is None:
            failure = self._check_data_untouched()
        if failure is not None:
            return self._fail(failure)
        return self._succeed(plan)

    def _carry(self, stage: Stage, rec: StageRecord) -> None:
        """Copy a stage's outputs (and gate records) of the last good run into staging."""
        prev = self._prev_stage(stage.name) or {}
        for rel in prev.get("outputs", []):
            atomic.carry_file(self.out_dir / rel, self.staging / rel)
        rec.outputs = list(prev.get("outputs", []))
        rec.gates = [dict(g, cached=True) for g in prev.get("gates", [])]

    def _prev_stage(self, name: str) -> dict[str, Any] | None:
        for s in (self.previous or {}).get("stages", []):
            if s.get("name") == name:
                return s
        return None

    def _run_stages(self, to_run: list[Stage]) -> Exception | None:
        """Run ``to_run``, each stage as soon as its upstream stages are done (see
        :mod:`p3md.pipeline.stage_graph`): input gates, notebook, products, output gates.

        Gates never run concurrently (one lock): GX's shared context is not thread-safe. While
        one worker validates, the other's kernel computes, so the cores stay busy. Kernels are
        forked from a server that has the notebooks' imports done (:mod:`p3md.pipeline.kernels`)
        where that is supported; its imports run while the first gates do.
        """
        from p3md.pipeline.kernels import ForkServer, fork_supported, notebook_imports
        from p3md.pipeline.stage_graph import run_stage_graph

        n = len(self.order)
        before = _snapshot(self.staging)
        claimed: set[str] = set()
        running: set[str] = set()
        gate_lock, claim_lock = threading.Lock(), threading.Lock()

        def work(stage: Stage) -> Exception | None:
            rec = self.records[stage.name]
            with gate_lock:
                failure: Exception | None = self.gates.input_gates(stage, rec)
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
                        # The new files the registry declares as this stage's, all of them.
                        mine = claim(stage, _snapshot(self.staging) - before - claimed,
                                     self.order, sorted(running))  # fmt: skip
                        claimed.update(mine)
                        rec.outputs.extend(mine)
                        check_written(stage, rec.outputs)
                    except ProductError as exc:
                        failure = failure or exc
                    running.discard(stage.name)
            if failure is None:
                with gate_lock:
                    failure = self.gates.output_gates(stage, rec)
            if failure is not None:
                rec.status, rec.message = "failed", str(failure)
                self.echo(f"[{self.number[stage.name]}/{n}] {stage.name} ... FAILED")
                return failure
            rec.status = "ran"
            self.echo(
                f"[{self.number[stage.name]}/{n}] {stage.name} ... ran in {rec.seconds:.1f} s"
            )
            return None

        if self.gates.will_run(to_run):
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
                self.order, [s.name for s in to_run], work, max_workers=self.max_workers
            )
        finally:
            if own_server and self.kernel_server is not None:
                self.kernel_server.close()
        # A data gate's failure explains the run better than a notebook that failed beside it.
        from p3md.pipeline.gates import GateFailure

        gate_failures = [f for f in failures if isinstance(f, GateFailure)]
        return (gate_failures or failures or [None])[0]

    def _execute(self, stage: Stage) -> None:
        if not stage.notebook.is_file():
            raise StageError(
                stage.name, "FileNotFoundError", f"notebook {stage.notebook} does not exist", None
            )
        # The run injects every parameter: say so where the notebook's own cell differs.
        for line in override_warnings(stage.notebook, self.params, self.project_root):
            self.echo(line)
        execute_stage(
            stage.name,
            stage.notebook,
            self.staging / stage.executed_notebook,
            self.params.notebook_parameters(out_dir=self.staging),
            self.project_root,
            kernel_server=self.kernel_server,
        )

    def _check_data_untouched(self) -> Exception | None:
        now = {
            p.name: sha256_file(p)
            for p in self.params.data_dir.iterdir()
            if p.is_file() and not p.name.startswith(".")
        }
        # Files in sub-folders that the reader used (a mapped export in exports/).
        for files in self.snap.raw_by_key.values():
            for path in files:
                name = self.snap.raw_name(path)
                if name not in now and path.is_file():
                    now[name] = sha256_file(path)
        if now != self.snap.raw_sha:
            return PipelineSafetyError(
                f"a stage changed files in the data folder {self.params.data_dir} "
                f"(before: {sorted(self.snap.raw_sha)}, after: {sorted(now)}); notebooks must "
                f"write only under out_dir"
            )
        return None

    # -- 3. finish ----------------------------------------------------------------------------
    def _all_records(self) -> list[StageRecord]:
        return list(self.records.values())

    def _manifest(self, success: bool, renderer: str | None) -> dict[str, Any]:
        if not hasattr(self, "git"):  # asked once: a run writes its manifest twice
            self.git = git_info(self.project_root)
            self.package_sha = tree_hash(Path(p3md.__file__).parent)
        records = self._all_records()
        return build_manifest(
            git=self.git,
            started=self.started,
            finished=now_iso(),
            success=success,
            inputs=self.snap.inputs,
            parameters=self.params.notebook_parameters(out_dir=self.out_dir),
            stages=[r.to_dict() for r in records],
            gates=[g for r in records for g in r.gates],
            renderer=renderer,
            project_root=self.project_root,
            previous=self.previous,
            package_sha=self.package_sha,
            extra={
                "site": {"key": self.site_key, "renderer": renderer},
                "pdf": self.pdf_record,
                "docx": self.docx_record,
                "only": sorted(self.only) if self.only else None,
                "forced": self.force,
                "code": self._code_record(),
            },
        )

    def _code_record(self) -> dict[str, Any]:
        """The import graph to keep for the next run: modules that still exist, and the
        notebooks as they are now (older entries would only accumulate)."""
        root = package_root()
        notebooks = {f"notebook:{sha}" for sha in self.snap.notebook_sha.values()}
        return {
            k: v
            for k, v in sorted(self.code_cache.items())
            if k in notebooks or (not k.startswith("notebook:") and (root / k).is_file())
        }

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
        if self.site is not None:
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
            site_index=site_index if self.site is not None else None,
            renderer=renderer if self.site is not None else None,
        )

    def _fail(self, failure: Exception) -> RunResult:
        from p3md.pipeline.gates import GateFailure

        if isinstance(failure, GateFailure):
            failure.write(self.staging / "gates" / "failures.json")
        else:
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

    def _succeed(self, plan: Plan) -> RunResult:
        for name in CARRIED_FILES:
            if (self.out_dir / name).is_file() and not (self.staging / name).exists():
                shutil.copy2(self.out_dir / name, self.staging / name)
        self.step = "writing the manifest"
        write_manifest(self.staging, self._manifest(True, None))
        self.step = "rendering the site and the PDF"
        renderer_name, site_index = self._site_step(plan)
        if self.print_failure is not None:
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
            self._echo_site(site_index, renderer_name, self.pdf_record)
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
        elif self.pdf_problem:
            self.echo(f"PDF:  not made: {self.pdf_problem}")
        docx = self.docx_record
        if docx and docx.get("path"):
            self.echo(f"Word: {_rel(self.out_dir / docx['path'])}")

    def _site_step(self, plan: Plan) -> tuple[str | None, Path | None]:
        """The site of the staging folder: the last good one when its key is unchanged and
        no stage ran (rendering costs seconds), else the site step's render."""
        site = self.site
        if site is None:
            return None, None
        stage_keys = {n: r.cache_key for n, r in self.records.items() if r.status != OMITTED}
        self.site_key = site.key(self.project_root, self.staging, stage_keys, self.code_cache)
        prev_site = (self.previous or {}).get("site") or {}
        if (
            not self.force
            and all(r.status in ("skipped", "kept", OMITTED) for r in self.records.values())
            and prev_site.get("key") == self.site_key
            and (self.out_dir / "site" / "index.html").is_file()
        ):
            shutil.copytree(self.out_dir / "site", self.staging / "site")
            for name in site.project_files:
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
        result = site.render(self.project_root, self.staging)
        site_dir = self.staging / "site"
        self.pdf_record = _pdf_record(result, site_dir)
        self.docx_record = _docx_record(result, site_dir)
        problems = [w for w in getattr(result, "warnings", []) or [] if str(w).startswith("pdf:")]
        self.pdf_problem = str(problems[0])[4:].strip().splitlines()[0] if problems else None
        name = getattr(result, "renderer", None) or "custom"
        index = site_dir / "index.html"
        if getattr(site, "pdf", False) and index.exists():
            self.print_failure = self._print_failure(result)
        return str(name), index if index.exists() else None

    def _print_failure(self, result: Any) -> OutputMissing | None:
        """A printed form the run asked for (a site step with ``pdf``: the PDF, and the Word
        copy when the site module makes one) that was not made, with its cause."""
        for w in getattr(result, "warnings", []) or []:
            for prefix, what in PRINT_WARNINGS.items():
                if str(w).startswith(prefix):
                    lines = str(w)[len(prefix) :].strip().splitlines()
                    return OutputMissing(what, lines[0] if lines else "no reason given")
        if self.pdf_record is None:
            return OutputMissing("PDF", "the site module returned no PDF file")
        return None


def _book_record(
    result: Any, site_dir: Path, kind: str, engine: str | None
) -> dict[str, Any] | None:
    """The manifest's entry for one copy of the book (``kind`` ``pdf`` or ``docx``): path in
    the run folder, SHA-256, engine, seconds; ``None`` when the site made no such file."""
    path = getattr(result, kind, None)
    if path is None or not Path(path).is_file():
        return None
    return {
        "path": f"site/{Path(path).relative_to(site_dir).as_posix()}",
        "sha256": sha256_file(Path(path)),
        "engine": engine,
        "seconds": round(float(getattr(result, f"{kind}_seconds", 0.0)), 3),
    }


def _pdf_record(result: Any, site_dir: Path) -> dict[str, Any] | None:
    return _book_record(result, site_dir, "pdf", getattr(result, "pdf_engine", None))


def _docx_record(result: Any, site_dir: Path) -> dict[str, Any] | None:
    return _book_record(result, site_dir, "docx", "pandoc-docx")


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
