"""The gates of a pipeline run: raw files checked before a stage, tables after it.

:class:`Gates` is a collaborator of the runner (:mod:`p3md.pipeline.runner`), built with what
it needs, and knows nothing of the run's life cycle. A gate's result is a pure function of the
checked content and the rules, so the last good run's result is reused when both are
unchanged (:meth:`Gates.reuse`); great-expectations is then never imported.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from p3md.pipeline.hashing import sha256_file, sha256_json
from p3md.pipeline.inputs import Snapshot
from p3md.pipeline.manifest import StageRecord
from p3md.pipeline.params import RunParams
from p3md.pipeline.stages import Stage

if TYPE_CHECKING:
    from p3md.pipeline.gates import GateFailure, GateResult

#: ``(data_dir, codebook) -> {file key: DataFrame}``: how the raw files are read.
Reader = Callable[[Path, Any], dict[str, Any]]

#: Folders of the run folder that hold pipeline bookkeeping, not stage outputs.
BOOKKEEPING = {"gates", "site", "notebooks"}


class Gates:
    """Input and output gates of one run, with reuse of unchanged results."""

    def __init__(
        self,
        *,
        params: RunParams,
        snapshot: Snapshot,
        staging: Path,
        out_dir: Path,
        previous: dict[str, Any] | None,
        force: bool = False,
        reader: Reader | None = None,
    ) -> None:
        self.params, self.snap = params, snapshot
        self.staging, self.out_dir = staging, out_dir
        self.previous, self.force, self.reader = previous, force, reader
        self._cb = snapshot.codebook
        self.results: list[GateResult] = []
        self.raw_cache: dict[str, GateResult] = {}
        self._frames: dict[str, Any] | None = None

    def keys_for(self, stage: Stage) -> tuple[str, ...]:
        """The raw files checked before ``stage``: the required ones (a missing one fails its
        gate) and the optional ones that are there."""
        present = tuple(k for k in stage.optional_raw_inputs if self.snap.has(k))
        return (*stage.raw_inputs, *present)

    def _prev_stage(self, name: str) -> dict[str, Any] | None:
        if not self.previous:
            return None
        return next((s for s in self.previous.get("stages", []) if s.get("name") == name), None)

    def raw_frames(self) -> dict[str, Any]:
        if self._frames is None:
            if self.reader is None:
                from p3md.io.readers import read_raw_dir  # imported when first needed

                # The files that are there: a district's folder has no Wioi files, the top of
                # a multi-district folder only those; a stage that needs a missing one fails
                # its gate with a message naming the file.
                self._frames = read_raw_dir(self.params.data_dir, self._cb, optional=self._cb.files)
            else:
                self._frames = self.reader(self.params.data_dir, self._cb)
        return self._frames

    def input_gates(self, stage: Stage, rec: StageRecord) -> GateFailure | None:
        keys = self.keys_for(stage)
        if not keys:
            return None
        from p3md.pipeline.gates import FailureItem, GateFailure, GateResult, run_gate
        from p3md.pipeline.raw_gates import build_raw_suite

        provenance = {
            key: self.provenance(stage, "input", self.snap.raw_key_sha(key)) for key in keys
        }
        reused = [self.reuse(stage, self._cb.files[k].path, provenance[k]) for k in keys]
        if all(r is not None for r in reused):
            for key, result in zip(keys, reused, strict=True):
                assert result is not None
                self.raw_cache.setdefault(key, result)
                self.record(rec, result, provenance[key])
            return None
        try:
            frames = self.raw_frames()
        except Exception as exc:
            if type(exc).__name__ == "RawDataError" and hasattr(exc, "rule"):
                return GateFailure([FailureItem.from_raw_error(stage.name, exc)])
            raise
        items: list[FailureItem] = []
        for key in keys:
            fname = self._cb.files[key].path
            if key in self.raw_cache:
                # Each raw file is validated once per run; later readers reuse the result.
                first = self.raw_cache[key]
                result = GateResult(
                    stage.name,
                    fname,
                    "input",
                    first.records,
                    0.0,
                    cached=True,
                    source=first.source,
                    source_headers=first.source_headers,
                )
                self.record(rec, result, provenance[key])
                items.extend(result.failures())
                continue
            if key not in frames:
                items.append(
                    FailureItem(
                        stage.name,
                        fname,
                        None,
                        [],
                        [],
                        f"the raw file {fname} is required by stage {stage.name}",
                        f"put {fname} into {self.params.data_dir}",
                        "file_exists",
                    )
                )
                continue
            suite, frame = build_raw_suite(self._cb, key, frames[key], frames)
            result = run_gate(stage.name, fname, "input", frame, suite)
            self.raw_cache[key] = result
            self.record(rec, result, provenance[key])
            items.extend(result.failures())
        return GateFailure(items) if items else None

    def output_gates(self, stage: Stage, rec: StageRecord) -> GateFailure | None:
        import pandas as pd

        from p3md.pipeline.gates import FailureItem, GateFailure, run_gate
        from p3md.pipeline.output_gates import build_output_suite

        items: list[FailureItem] = []
        for rel in sorted(rec.outputs):
            if not rel.endswith(".csv") or rel.split("/")[0] in BOOKKEEPING:
                continue
            provenance = self.provenance(stage, "output", sha256_file(self.staging / rel))
            reused = self.reuse(stage, rel, provenance)
            if reused is not None:
                self.record(rec, reused, provenance)
                continue
            try:
                df = pd.read_csv(self.staging / rel)
            except Exception as exc:
                items.append(
                    FailureItem(
                        stage.name,
                        rel,
                        None,
                        [],
                        [],
                        f"the output table must be a readable CSV ({exc})",
                        "check how the notebook saves this table",
                        "read_csv",
                    )
                )
                continue
            suite, frame = build_output_suite(df, stage.output_gates, rel)
            if not (suite.specs or suite.pandas_checks or suite.precondition_failures):
                continue
            result = run_gate(stage.name, rel, "output", frame, suite)
            self.record(rec, result, provenance)
            items.extend(result.failures())
        return GateFailure(items) if items else None

    def record(self, rec: StageRecord, result: GateResult, provenance: dict[str, str]) -> None:
        self.results.append(result)
        path = result.write(self.staging / "gates")
        rel = path.relative_to(self.staging).as_posix()
        if rel not in rec.outputs:
            rec.outputs.append(rel)
        rec.gates.append({**result.summary(), **provenance, "json": rel})

    def will_run(self, to_run: list[Stage]) -> bool:
        """Whether this run will validate anything itself (rather than reuse last run's gate
        results): always on a first or forced run, else when a raw gate cannot be reused.
        Output gates are known only once the tables exist; they import GX when they miss."""
        if self.force or not self.previous:
            return True
        return any(
            self.reuse(
                s,
                self._cb.files[k].path,
                self.provenance(s, "input", self.snap.raw_key_sha(k)),
            )
            is None
            for s in to_run
            for k in self.keys_for(s)
        )

    def provenance(self, stage: Stage, kind: str, content_sha: str) -> dict[str, str]:
        """What a gate's result depends on: the checked content and the rules. The rules are
        the package's code and, for raw files, the codebook and every raw file (the
        foreign-key checks read the other files)."""
        rules: dict[str, Any] = {"kind": kind, "code": self.snap.gate_code_sha}
        if kind == "input":
            rules.update(codebook=self.snap.codebook_sha, raw=self.snap.raw_sha)
        else:
            rules["rule_sets"] = list(stage.output_gates)
        return {"input_sha256": content_sha, "rules_sha256": sha256_json(rules)}

    def reuse(self, stage: Stage, file: str, provenance: dict[str, str]) -> GateResult | None:
        """The last good run's result of this gate, when the content and the rules are the
        same (a gate is a pure function of both): an edited notebook whose tables come out
        unchanged needs no great-expectations at all. Never with ``--force``."""
        if self.force:
            return None
        from p3md.pipeline.gates import GateResult

        for g in (self._prev_stage(stage.name) or {}).get("gates", []):
            if (
                g.get("file") == file
                and g.get("success")
                and g.get("input_sha256") == provenance["input_sha256"]
                and g.get("rules_sha256") == provenance["rules_sha256"]
                and (self.out_dir / str(g.get("json"))).is_file()
            ):
                doc = json.loads((self.out_dir / g["json"]).read_text(encoding="utf-8"))
                result = GateResult.from_dict(doc)
                result.seconds = 0.0
                return result
        return None
