"""Where the project is, and where a stage notebook reads and writes.

The stage notebooks' ``parameters`` cell holds paths relative to the project root
(``"data/raw"``) so that it stays readable. JupyterLab starts a notebook's kernel in
``notebooks/`` and a hand-typed ``papermill`` call runs wherever it is typed, so the notebooks
pass every path through :func:`resolve`, which makes a relative path absolute against the
project root, whatever the working directory. The pipeline injects absolute paths; they pass
unchanged.

**Run by hand or by the pipeline.** A notebook's ``out_dir`` defaults to ``None``; the pipeline
(and :mod:`p3md.bench`) always inject the run's folder. ``out_dir = None`` therefore means "run
by hand" (JupyterLab, or papermill without ``-p out_dir``), and :func:`stage_folders` then
points the notebook at

- ``reports/`` (the last good run) for what earlier stages wrote (``derived/``, ``tables/``);
- ``scratch/<notebook>/`` (git-ignored, emptied at the start of every hand run) for what this
  notebook writes,

so that a hand run never writes into the last good ``reports/`` behind the pipeline's back:
only the pipeline replaces ``reports/``, atomically and with its gates.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from p3md import PROJECT_ROOT

#: Folder (relative to the project root) of the last good run that hand runs read from.
REPORTS_DIR = "reports"
#: Folder (relative to the project root, git-ignored) that hand runs write into.
SCRATCH_DIR = "scratch"
#: What makes a folder the project root: the codebook and the stage notebooks.
MARKERS = ("data/codebook.yaml", "notebooks")


def is_project_root(folder: Path) -> bool:
    """Whether ``folder`` holds the project's markers (:data:`MARKERS`)."""
    return all((folder / m).exists() for m in MARKERS)


def project_root(start: str | Path | None = None) -> Path:
    """The project root: the first folder from ``start`` (default: the working directory)
    upwards that holds ``data/codebook.yaml`` and ``notebooks/``; if there is none (a kernel
    started somewhere else), the checkout this package was imported from.

    Looking upwards first means a copy of the project (a second clone, a test's temporary
    clone) is used as itself, not silently swapped for the checkout the package lives in.
    """
    here = Path(start if start is not None else Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_project_root(folder):
            return folder
    if is_project_root(PROJECT_ROOT):
        return PROJECT_ROOT
    raise FileNotFoundError(
        f"No project root above {here}: expected a folder with {' and '.join(MARKERS)}. "
        "Start Jupyter (make lab) or papermill inside the project's folder."
    )


def resolve(path: str | Path, root: Path | None = None) -> Path:
    """``path`` made absolute: ``~`` expanded, a relative path taken from the project root
    (not from the working directory)."""
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    return (root if root is not None else project_root()) / p


@dataclass(frozen=True)
class StageFolders:
    """Where one stage notebook reads earlier stages' outputs and writes its own."""

    stage: str
    #: Run folder holding ``derived/`` and ``tables/`` of the earlier stages.
    read: Path
    #: Folder this notebook writes ``tables/``, ``figures/`` and ``derived/`` into.
    write: Path
    #: ``True`` when ``out_dir`` was not given (JupyterLab, plain papermill).
    by_hand: bool
    #: The project root the folders were resolved against.
    root: Path | None = None
    #: When the run read from finished (from its ``manifest.json``), for hand runs.
    read_run_finished: str | None = None
    #: Whether this stage reads earlier stages' outputs (from :attr:`read`).
    reads_upstream: bool = False

    def shown(self, folder: Path) -> str:
        """``folder`` as a student finds it: relative to the project root when inside it."""
        if self.root is not None and folder.is_relative_to(self.root):
            return folder.relative_to(self.root).as_posix() + "/"
        return str(folder)


def stage_folders(stage: str, out_dir: str | Path | None, root: Path | None = None) -> StageFolders:
    """The folders of ``stage`` (a name of :data:`p3md.pipeline.stages.ALL_STAGES`).

    With ``out_dir`` (the pipeline, or ``papermill -p out_dir ...``) the notebook reads and
    writes that run folder. Without it (run by hand), it reads the last good run in
    ``reports/`` and writes into ``scratch/<notebook>/``, emptied first so that nothing of an
    earlier hand run is mistaken for this one's. A stage that needs earlier stages' outputs
    refuses to start by hand before a run exists, and says how to make one.
    """
    if out_dir is not None and str(out_dir) != "":
        folder = resolve(out_dir, root)
        return StageFolders(stage, folder, folder, by_hand=False, root=root)
    from p3md.pipeline.manifest import read_manifest
    from p3md.pipeline.stages import ALL_STAGES, by_name

    spec = by_name(ALL_STAGES).get(stage)
    if spec is None:
        names = ", ".join(s.name for s in ALL_STAGES)
        raise ValueError(f"unknown stage {stage!r}; stages are {names}")
    base = root if root is not None else project_root()
    read = base / REPORTS_DIR
    manifest = read_manifest(read) if read.is_dir() else None
    if spec.upstream and manifest is None:
        raise FileNotFoundError(
            f"Stage {stage} reads what the stages {', '.join(spec.upstream)} wrote into the last "
            f"good run, but {read} holds no finished run (no manifest.json). Run `make report` "
            "once in the project folder, then run this notebook again."
        )
    write = base / SCRATCH_DIR / spec.notebook.stem
    if write.exists():
        shutil.rmtree(write)
    write.mkdir(parents=True)
    finished = (manifest or {}).get("finished")
    return StageFolders(
        stage,
        read,
        write,
        by_hand=True,
        root=base,
        read_run_finished=finished,
        reads_upstream=bool(spec.upstream),
    )
