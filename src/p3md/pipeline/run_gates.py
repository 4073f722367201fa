"""The gate steps of a pipeline run: validate raw files before a stage, tables after it.

A mixin of the runner's run object (:class:`p3md.pipeline.runner._Run`), kept apart so the
runner reads as the run's life cycle. A gate's result is a pure function of the checked content
and the rules, so the last good run's result is reused when both are unchanged
(:meth:`GateSteps._reuse_gate`); great-expectations is then never imported.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from p3md.pipeline.hashing import sha256_file, sha256_json
from p3md.pipeline.stages import Stage

if TYPE_CHECKING:
    from p3md.pipeline.gates import GateFailure, GateResult
    from p3md.pipeline.params import RunParams
    from p3md.pipeline.runner import Reader, StageRecord

#: Folders of the run folder that hold pipeline bookkeeping, not stage outputs.
BOOKKEEPING = {"gates", "site", "notebooks"}


class GateSteps:
    """Input and output gates of one run, with reuse of unchanged results."""

    # Provided by the run object.
    params: RunParams
    staging: Path
    out_dir: Path
    force: bool
    reader: Reader | None
    records: dict[str, StageRecord]
    package_sha: str
    codebook_sha: str
    raw_sha: dict[str, str]
    raw_by_key: dict[str, list[Path]]
    gate_results: list[GateResult]
    raw_gate_cache: dict[str, GateResult]
    previous: dict[str, Any] | None
    _cb: Any
    _frames: dict[str, Any] | None

    def _gate_keys(self, stage: Stage) -> tuple[str, ...]:  # provided by the run object
        raise NotImplementedError

    def _raw_name(self, path: Path) -> str:  # provided by the run object
        raise NotImplementedError

    def _prev_stage(self, name: str) -> dict[str, Any] | None:
        if not self.previous:
            return None
        return next((s for s in self.previous.get("stages", []) if s.get("name") == name), None)

    def _raw_frames(self) -> dict[str, Any]:
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

    def _input_gates(self, stage: Stage) -> GateFailure | None:
        keys = self._gate_keys(stage)
        if not keys:
            return None
        from p3md.pipeline.gates import FailureItem, GateFailure, GateResult, run_gate
        from p3md.pipeline.raw_gates import build_raw_suite

        rec = self.records[stage.name]
        provenance = {
            key: self._gate_provenance(stage, "input", self._raw_sha_of(key)) for key in keys
        }
        reused = [self._reuse_gate(stage, self._cb.files[k].path, provenance[k]) for k in keys]
        if all(r is not None for r in reused):
            for key, result in zip(keys, reused, strict=True):
                assert result is not None
                self.raw_gate_cache.setdefault(key, result)
                self._record_gate(rec, result, provenance[key])
            return None
        try:
            frames = self._raw_frames()
        except Exception as exc:
            if type(exc).__name__ == "RawDataError" and hasattr(exc, "rule"):
                return GateFailure([FailureItem.from_raw_error(stage.name, exc)])
            raise
        items: list[FailureItem] = []
        for key in keys:
            fname = self._cb.files[key].path
            if key in self.raw_gate_cache:
                # Each raw file is validated once per run; later readers reuse the result.
                first = self.raw_gate_cache[key]
                result = GateResult(stage.name, fname, "input", first.records, 0.0, cached=True)
                self._record_gate(rec, result, provenance[key])
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
            self.raw_gate_cache[key] = result
            self._record_gate(rec, result, provenance[key])
            items.extend(result.failures())
        return GateFailure(items) if items else None

    def _output_gates(self, stage: Stage) -> GateFailure | None:
        import pandas as pd

        from p3md.pipeline.gates import FailureItem, GateFailure, run_gate
        from p3md.pipeline.output_gates import build_output_suite

        rec = self.records[stage.name]
        items: list[FailureItem] = []
        for rel in sorted(rec.outputs):
            if not rel.endswith(".csv") or rel.split("/")[0] in BOOKKEEPING:
                continue
            provenance = self._gate_provenance(stage, "output", sha256_file(self.staging / rel))
            reused = self._reuse_gate(stage, rel, provenance)
            if reused is not None:
                self._record_gate(rec, reused, provenance)
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
            self._record_gate(rec, result, provenance)
            items.extend(result.failures())
        return GateFailure(items) if items else None

    def _record_gate(
        self, rec: StageRecord, result: GateResult, provenance: dict[str, str]
    ) -> None:
        self.gate_results.append(result)
        path = result.write(self.staging / "gates")
        rel = path.relative_to(self.staging).as_posix()
        if rel not in rec.outputs:
            rec.outputs.append(rel)
        rec.gates.append({**result.summary(), **provenance, "json": rel})

    def _gates_will_run(self, to_run: list[Stage]) -> bool:
        """Whether this run will validate anything itself (rather than reuse last run's gate
        results): always on a first or forced run, else when a raw gate cannot be reused.
        Output gates are known only once the tables exist; they import GX when they miss."""
        if self.force or not self.previous:
            return True
        return any(
            self._reuse_gate(
                s,
                self._cb.files[k].path,
                self._gate_provenance(s, "input", self._raw_sha_of(k)),
            )
            is None
            for s in to_run
            for k in self._gate_keys(s)
        )

    def _raw_sha_of(self, key: str) -> str:
        paths = self.raw_by_key.get(key) or []
        return (
            sha256_json({self._raw_name(p): self.raw_sha[self._raw_name(p)] for p in paths})
            if paths
            else "missing"
        )

    def _gate_provenance(self, stage: Stage, kind: str, content_sha: str) -> dict[str, str]:
        """What a gate's result depends on: the checked content and the rules. The rules are
        the package's code and, for raw files, the codebook and every raw file (the
        foreign-key checks read the other files)."""
        rules: dict[str, Any] = {"kind": kind, "package": self.package_sha}
        if kind == "input":
            rules.update(codebook=self.codebook_sha, raw=self.raw_sha)
        else:
            rules["rule_sets"] = list(stage.output_gates)
        return {"input_sha256": content_sha, "rules_sha256": sha256_json(rules)}

    def _reuse_gate(self, stage: Stage, file: str, provenance: dict[str, str]) -> GateResult | None:
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
