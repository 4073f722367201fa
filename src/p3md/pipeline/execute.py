"""Executing one stage notebook with papermill (an ``.ipynb``, or a jupytext percent ``.py``)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from p3md.pipeline.kernels import ForkServer

KERNEL_NAME = "p3md"


class StageError(Exception):
    """A stage notebook raised; the message names the stage, the cell's error and the notebook."""

    def __init__(
        self, stage: str, ename: str, evalue: str, notebook: Path | None, cell: int | None = None
    ) -> None:
        self.stage, self.ename, self.evalue, self.notebook, self.cell = (
            stage,
            ename,
            evalue,
            notebook,
            cell,
        )
        where = f" in cell {cell}" if cell is not None else ""
        text = f"Stage {stage} failed{where}: {ename}: {evalue}"
        if notebook is not None:
            text += f" (executed notebook with the full traceback: {notebook})"
        super().__init__(text)

    def to_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "error": self.ename,
            "message": self.evalue,
            "cell": self.cell,
            "notebook": str(self.notebook) if self.notebook else None,
        }


def execute_stage(
    stage: str,
    notebook: Path,
    output: Path,
    parameters: dict[str, Any],
    cwd: Path,
    kernel_name: str = KERNEL_NAME,
    kernel_server: ForkServer | None = None,
) -> None:
    """Run ``notebook`` with papermill into ``output``; raise :class:`StageError` on failure.

    With a ``kernel_server`` the kernel is forked from it (imports already done, see
    :mod:`p3md.pipeline.kernels`); without one, or when it has died, jupyter_client starts the
    kernel the usual way.
    """
    import papermill as pm  # heavy import, only when a stage really runs

    from p3md.pipeline.kernels import QuietKernelManager, kernel_manager_class

    engine: dict[str, Any] = {"kernel_manager_class": QuietKernelManager}
    if kernel_server is not None and kernel_server.alive():
        engine["kernel_manager_class"] = kernel_manager_class(kernel_server)
    output.parent.mkdir(parents=True, exist_ok=True)
    source = notebook
    if notebook.suffix == ".py":
        # A percent script is a notebook too (jupytext): converted next to its executed copy,
        # which papermill then reads and overwrites.
        import jupytext

        nb = jupytext.read(notebook, fmt="py:percent")
        # A plain script names no kernel; it runs in the project's, as the .ipynb stages do.
        nb.metadata.setdefault(
            "kernelspec", {"name": kernel_name, "language": "python", "display_name": kernel_name}
        )
        nb.metadata.setdefault("language_info", {"name": "python"})
        jupytext.write(nb, output, fmt="ipynb")
        source = output
    try:
        pm.execute_notebook(
            str(source),
            str(output),
            parameters=parameters,
            kernel_name=kernel_name,
            progress_bar=False,
            log_output=False,
            # Not papermill's ``cwd=``: it os.chdir()s the whole process, which races when two
            # stages run in threads. nbclient starts the kernel in ``resources.metadata.path``.
            resources={"metadata": {"path": str(cwd)}},
            # One write at the end instead of one after every cell (papermill's default):
            # the executed copy is still written when a cell fails.
            request_save_on_cell_execute=False,
            **engine,
        )
    except pm.PapermillExecutionError as exc:
        raise StageError(stage, exc.ename, _clean(exc.evalue), output, exc.exec_count) from None
    except Exception as exc:  # kernel death, missing kernel, unreadable notebook
        raise StageError(stage, type(exc).__name__, _clean(str(exc)), output) from None
    hide_parameter_cells(output)


def hide_parameter_cells(executed: Path) -> None:
    """Tag the parameter cells of an executed copy ``remove-cell`` for the rendered report.

    Reviewers read results, not run plumbing: the injected cell holds this run's absolute
    staging paths, and the parameters are listed on the reproducibility page. Quarto and
    smalldocs both honour the tag; the source notebooks keep their documented cell.
    """
    import nbformat

    nb = nbformat.read(executed, as_version=4)
    for cell in nb.cells:
        tags = cell.metadata.setdefault("tags", [])
        if {"parameters", "injected-parameters"} & set(tags) and "remove-cell" not in tags:
            tags.append("remove-cell")
    nbformat.write(nb, executed)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _clean(text: str) -> str:
    return _ANSI.sub("", text or "").strip()
