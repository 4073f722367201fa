"""Keeping each stage's jupytext pair (``NN_*.ipynb`` + ``NN_*.py``) one source, before hashing.

The runner executes and hashes the ``.ipynb``; reviewers diff, and many students edit, the
percent script ``.py``. Without a sync, an edit of the ``.py`` alone would leave the ``.ipynb``
and its hash unchanged, and ``make report`` would say "Nothing changed" and render the old
notebook. So before any notebook is hashed, :func:`sync_pairs` syncs every pair.

The sync is jupytext's own ``--sync`` (its pairing logic, called through its command-line
function): the file modified last provides the cells (the newer file wins, as in Jupyter with
jupytext), outputs are only ever taken from the ``.ipynb`` (source notebooks have none, so none
are added or lost), and a file is written only when its text changes. Writing our own
conversion would duplicate jupytext's format handling and its timestamp rules, and drift from
what ``jupytext --sync`` and Jupyter do with the same pair.

Importing jupytext and syncing the eight pairs takes about 2 s (one pair 0.6 s; measured on
the shared 2-core machine), too much for the no-op rerun (target 1 s). So a cheap check comes first: a pair whose two files have exactly the
hashes recorded in the last good run's manifest was in sync then (that run synced it) and still
is, so jupytext is only loaded when one of the files changed since that run, or on a first run.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from p3md.pipeline.hashing import sha256_file

#: Extension of the paired percent script (``formats: ipynb,py:percent`` in the notebooks).
SCRIPT_SUFFIX = ".py"


class PairSyncError(RuntimeError):
    """A notebook and its paired script could not be synced; the message names both and the
    command that syncs them by hand."""


@dataclass(frozen=True)
class Pair:
    """A stage notebook and its paired script, with their hashes after the sync."""

    notebook: Path
    script: Path
    notebook_sha: str
    script_sha: str
    #: The file rewritten by the sync (``None``: both were already in sync).
    updated: Path | None = None


def input_key(path: Path) -> str:
    """The name a notebook or its script has among a run's inputs (``notebooks/<name>``)."""
    return f"notebooks/{path.name}"


def sync_command(script: Path) -> str:
    return f".venv/bin/jupytext --sync {script}"


def sync_pairs(
    notebooks: Iterable[Path],
    recorded: Mapping[str, str],
    echo: Callable[[str], None] | None = None,
) -> dict[Path, Pair]:
    """Sync the jupytext pair of each notebook that has a paired ``.py``; return the pairs
    (notebooks without a script are left out).

    ``recorded`` holds the input hashes of the last good run (``manifest["inputs"]``); a pair
    whose two hashes are both there unchanged is not opened with jupytext at all.
    """
    pairs: dict[Path, Pair] = {}
    for notebook in notebooks:
        script = notebook.with_suffix(SCRIPT_SUFFIX)
        if not (notebook.is_file() and script.is_file()):
            continue
        nb_sha, py_sha = sha256_file(notebook), sha256_file(script)
        known = (recorded.get(input_key(notebook)), recorded.get(input_key(script)))
        if known == (nb_sha, py_sha):
            pairs[notebook] = Pair(notebook, script, nb_sha, py_sha)
            continue
        _jupytext_sync(notebook, script)
        new_nb, new_py = sha256_file(notebook), sha256_file(script)
        updated = notebook if new_nb != nb_sha else script if new_py != py_sha else None
        pairs[notebook] = Pair(notebook, script, new_nb, new_py, updated)
        if updated is not None and echo is not None:
            source = script if updated == notebook else notebook
            echo(f"{updated.name} updated from {source.name} (jupytext pair: the newer file wins)")
    return pairs


def _jupytext_sync(notebook: Path, script: Path) -> None:
    """``jupytext --sync`` on the pair, its messages kept out of the run's output."""
    from jupytext.cli import jupytext

    quiet = io.StringIO()
    try:
        with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
            status = jupytext(["--sync", "--quiet", str(script)])
    except (Exception, SystemExit) as exc:
        raise PairSyncError(
            f"{script} and {notebook} are a jupytext pair and could not be synced "
            f"({type(exc).__name__}: {exc}). Fix the file you edited last, then run "
            f"`{sync_command(script)}`."
        ) from None
    if status:
        raise PairSyncError(
            f"{script} and {notebook} are a jupytext pair and could not be synced "
            f"(jupytext: {quiet.getvalue().strip() or f'exit status {status}'}). "
            f"Run `{sync_command(script)}` to see why."
        )
