"""What a run reads, hashed once: raw files by codebook key, codebook, published values, the
districts' index, the stage notebooks and the ``p3md`` modules each of them runs.

:func:`take_snapshot` does the reading; :mod:`p3md.pipeline.plan` decides from the snapshot
and the last good run's manifest, without touching a file, which stages must run and why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from p3md.pipeline.code_deps import ModuleGraph, modules_code, stage_code
from p3md.pipeline.hashing import raw_files_by_key, sha256_file, sha256_json
from p3md.pipeline.params import RunParams
from p3md.pipeline.stages import DISTRICTS, PUBLISHED, Stage

#: The index of a multi-district run's districts, in ``districts_dir``.
DISTRICTS_INDEX = "districts.json"
#: The modules whose code decides a gate's result (the rules): a gate's last result is reused
#: while they and the checked content are unchanged.
GATE_MODULES = (
    "p3md.pipeline.gates",
    "p3md.pipeline.raw_gates",
    "p3md.pipeline.output_gates",
    "p3md.pipeline.gx_runtime",
)


@dataclass
class Snapshot:
    """The content hashes of everything a run's stages may read."""

    codebook: Any  # the loaded codebook (gates read it)
    codebook_sha: str
    raw_by_key: dict[str, list[Path]]
    raw_unmatched: list[Path]
    raw_sha: dict[str, str]  # file name -> SHA-256
    published_sha: str | None
    districts_sha: str | None
    notebook_sha: dict[str, str]  # stage -> SHA-256 of its notebook ("missing")
    code: dict[str, dict[str, str]]  # stage -> {package-relative module path: SHA-256}
    #: The manifest's ``inputs``: every file read, by kind, with its SHA-256.
    inputs: dict[str, str] = field(default_factory=dict)
    #: The import graph read (the manifest keeps it so the next run need not parse again).
    code_record: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    #: Hash of the gates' code (:data:`GATE_MODULES` and what they import).
    gate_code_sha: str = ""
    data_dir: Path | None = None
    #: A data folder the reader refuses (a path outside it): a marker in every raw reader's
    #: key, so no stage is taken from the cache; the input gate reports the problem.
    raw_refused: str | None = None

    def raw_name(self, path: Path) -> str:
        """A data file's name in the manifest and the keys: relative to the data folder."""
        if self.data_dir is not None:
            for root in (self.data_dir, self.data_dir.resolve()):
                if path.is_relative_to(root):
                    return path.relative_to(root).as_posix()
        return path.name

    def has(self, key: str) -> bool:
        """Whether the input ``key`` (a raw file key, ``published`` or ``districts``) exists."""
        if key == PUBLISHED:
            return self.published_sha is not None
        if key == DISTRICTS:
            return self.districts_sha is not None
        return bool(self.raw_by_key.get(key))

    def raw_key_sha(self, key: str) -> str:
        """One hash of the files of a codebook key ("missing" when there is none)."""
        paths = self.raw_by_key.get(key) or []
        if not paths:
            return "missing"
        return sha256_json({self.raw_name(p): self.raw_sha[self.raw_name(p)] for p in paths})

    def stage_inputs(self, stage: Stage) -> dict[str, str]:
        """What the stage reads, by name, with its hash (the ``inputs`` part of its key)."""
        out: dict[str, str] = {}
        for key in (*stage.inputs, *stage.optional_inputs):
            if key == PUBLISHED:
                out[PUBLISHED] = self.published_sha or "missing"
            elif key == DISTRICTS:
                out[DISTRICTS] = self.districts_sha or "missing"
            else:
                for path in self.raw_by_key.get(key, []):
                    out[self.raw_name(path)] = self.raw_sha[self.raw_name(path)]
                if not self.raw_by_key.get(key):
                    out[f"<missing {key}>"] = "missing"
        if stage.raw_inputs or stage.optional_raw_inputs:
            # A file the codebook does not name may still be picked up by the reader.
            for path in self.raw_unmatched:
                out[self.raw_name(path)] = self.raw_sha[self.raw_name(path)]
            if self.raw_refused:
                out["<refused by the reader>"] = self.raw_refused
        return dict(sorted(out.items()))


def take_snapshot(
    params: RunParams,
    stages: Sequence[Stage],
    previous: dict[str, Any] | None,
    echo: Callable[[str], None],
    graph: ModuleGraph | None = None,
) -> Snapshot:
    """Hash every input of ``stages`` (see :class:`Snapshot`)."""
    from p3md.codebook import load_codebook

    p = params
    # --set max_missing_share reaches the input gates as well as the notebooks.
    cb = load_codebook(p.codebook_path, data_dir=p.data_dir).with_max_missing_share(
        p.max_missing_share
    )
    stems = {k: Path(spec.path).stem for k, spec in cb.files.items()}
    raw_by_key, unmatched = raw_files_by_key(p.data_dir, stems)
    refused = _add_files_the_reader_uses(p.data_dir, cb, raw_by_key, unmatched)
    named = Snapshot(cb, "", {}, [], {}, None, None, {}, {}, data_dir=Path(p.data_dir))
    inputs: dict[str, str] = {}
    raw_sha: dict[str, str] = {}
    for path in [f for files in raw_by_key.values() for f in files] + unmatched:
        name = named.raw_name(path)
        raw_sha[name] = sha256_file(path)
        inputs[f"raw/{name}"] = raw_sha[name]
    codebook_sha = sha256_file(p.codebook_path)
    inputs[f"codebook/{p.codebook_path.name}"] = codebook_sha
    published_sha = sha256_file(p.published_path) if p.published_path.is_file() else None
    if published_sha:
        inputs[f"published/{p.published_path.name}"] = published_sha
    # A stage's notebook is its one source (an .ipynb, or a jupytext percent .py that the
    # execution converts into the run folder): hashed as it is, never rewritten by a run.
    notebook_sha: dict[str, str] = {}
    for s in stages:
        if not s.notebook.is_file():
            notebook_sha[s.name] = "missing"
            continue
        notebook_sha[s.name] = sha256_file(s.notebook)
        inputs[f"notebooks/{s.notebook.name}"] = notebook_sha[s.name]
    districts_sha: str | None = None
    if any(s.reads_districts for s in stages):
        # The districts' results: their index names every district's status and stage keys.
        index = Path(p.districts_dir or ".") / DISTRICTS_INDEX
        districts_sha = sha256_file(index) if p.districts_dir and index.is_file() else None
        inputs[f"districts/{DISTRICTS_INDEX}"] = districts_sha or "missing"
    graph = graph or ModuleGraph(known=(previous or {}).get("code"))
    code = {s.name: stage_code(s.notebook, graph) for s in stages}
    gate_code_sha = sha256_json(modules_code(GATE_MODULES, graph))
    for modules in code.values():
        for rel, sha in modules.items():
            inputs[f"code/p3md/{rel}"] = sha
    return Snapshot(
        codebook=cb,
        codebook_sha=codebook_sha,
        raw_by_key=raw_by_key,
        raw_unmatched=unmatched,
        raw_sha=raw_sha,
        published_sha=published_sha,
        districts_sha=districts_sha,
        notebook_sha=notebook_sha,
        code=code,
        inputs=inputs,
        code_record=graph.record(),
        parameters=params.cache_parameters(),
        gate_code_sha=gate_code_sha,
        data_dir=Path(p.data_dir),
        raw_refused=refused,
    )


def _add_files_the_reader_uses(
    data_dir: Path, cb: Any, raw_by_key: dict[str, list[Path]], unmatched: list[Path]
) -> str | None:
    """Files the reader reads for a key that are not ``<stem>.*`` at the top of the data
    folder (a form export named in ``mapping.yaml``, possibly in a sub-folder, with the
    mapping itself) join that key's files, so they are hashed into the key of every stage
    that reads it (:func:`p3md.io.readers.input_files`; every such path is inside the
    folder). A folder the reader refuses (a path outside it) gets a marker instead (returned)."""
    folder = Path(data_dir)
    plain = [p for p in folder.iterdir() if not p.name.startswith(".")]
    if not any(
        p.is_symlink() or p.suffix.lower() == ".xlsx" or p.name == "mapping.yaml" for p in plain
    ):
        # No mapping.yaml (the only way the reader reads a sub-folder), no link, no workbook:
        # the reader uses exactly the `<stem>.*` files found above. Asking it would import
        # pandas (about a second) on every run, including the no-op run that must stay under
        # one second.
        return None
    from p3md.io.errors import RawDataError
    from p3md.io.readers import input_files

    try:
        used = input_files(data_dir, cb)
    except RawDataError as exc:
        return sha256_json(exc.to_dict())
    known = {f.resolve() for f in unmatched}
    known |= {f.resolve() for files in raw_by_key.values() for f in files}
    for key, files in used.items():
        for path in files:
            if path not in known:
                raw_by_key.setdefault(key, []).append(path)
                known.add(path)
    return None
