"""Personal fields never leave the reader: a full study run on data with names, phone numbers,
ID numbers, addresses and free-text notes planted in every raw file must not show any of those
values in the built site, the tables, the figures, the derived data, the gate records, the
manifest or the executed notebooks.

Slow (the whole study runs on the mutated copy): ``pytest -m e2e tests/test_privacy.py``.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from corpus import csvedit as ed
from p3md import PROJECT_ROOT
from p3md.codebook import load_codebook
from p3md.io.pseudonymise import is_personal
from p3md.site.step import SiteStep

RAW = PROJECT_ROOT / "data" / "raw"


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _names(prefix: str, n: int) -> list[str]:
    first = ["Siti", "Budi", "Wayan", "Ratna", "Agus", "Dewi", "Hendra", "Lestari"]
    last = ["Rahmawati", "Santoso", "Saputra", "Kurniasih", "Wibowo", "Anggraini"]
    return [f"{prefix}{first[i % 8]} {last[i % 6]} ZqPrivat{i:03d}" for i in range(n)]


def plant(data: Path) -> dict[str, list[str]]:
    """Add personal columns to every raw file; returns {file: planted values}."""
    planted: dict[str, list[str]] = {}

    def add(fname: str, header: str, make) -> None:
        path = data / fname
        _, rows = ed.read(path)
        values = [make(i) for i in range(len(rows))]
        ed.add_column(path, header, values, at=1)
        planted.setdefault(fname, []).extend(values)

    add("facilitators.csv", "Nama Pendamping", lambda i: _names("", 200)[i])
    add("facilitators.csv", "no_hp", lambda i: f"0812-7733-{i:04d}")
    add(
        "facilitators.csv",
        "catatan",
        lambda i: f"rumah di belakang masjid Al-Ikhlas gang ZqPrivat{i}",
    )
    add("official_ratings.csv", "nama", lambda i: _names("Pak ", 200)[i])
    add("official_ratings.csv", "Telepon", lambda i: f"+62 813 5544 {i:04d}")
    add(
        "expert_ratings.csv",
        "keterangan",
        lambda i: f"catatan TA: sering terlambat rapat ZqPrivat{i}",
    )
    add("pilot.csv", "NIK", lambda i: f"18090112038{i:05d}")
    add("pilot.csv", "Nama Lengkap", lambda i: _names("Bu ", 200)[i])
    add("village_frame.csv", "alamat", lambda i: f"Jl. Cempaka ZqPrivat{i} RT 03 RW 01")
    add("wioi_tests.csv", "email", lambda i: f"aparatur.wioi.{i}@contoh.id")
    add("wioi_satisfaction.csv", "Alamat Rumah", lambda i: f"Dusun Mawar ZqPrivat{i} Wioi")
    return planted


def needles(planted: dict[str, list[str]]) -> list[bytes]:
    """Each planted value, plus the digits-only form of phone/NIK numbers."""
    out: set[bytes] = set()
    for values in planted.values():
        for v in values:
            out.add(v.encode())
            digits = "".join(ch for ch in v if ch.isdigit())
            if len(digits) >= 10:
                out.add(digits.encode())
    return sorted(out)


def test_planted_columns_are_recognised_as_personal():
    cb = load_codebook()
    for header in [
        "Nama Pendamping",
        "no_hp",
        "catatan",
        "nama",
        "Telepon",
        "keterangan",
        "NIK",
        "Nama Lengkap",
        "alamat",
        "email",
        "Alamat Rumah",
    ]:
        assert is_personal(header, cb.personal_fields), header


@pytest.mark.e2e
def test_personal_fields_never_reach_any_output(tmp_path):
    from p3md.pipeline.params import make_params
    from p3md.pipeline.runner import run_pipeline

    data = tmp_path / "raw"
    shutil.copytree(RAW, data)
    planted = plant(data)
    data_before = _digest(data)
    raw_before = _digest(RAW)
    out = tmp_path / "out" / "reports"
    derived = tmp_path / "derived"
    log: list[str] = []
    result = run_pipeline(
        make_params(data_dir=data, out_dir=out),
        # the site without its PDF and Word copy: both are compressed files (deflated
        # streams, a zip) whose bytes the search below cannot read, and their text comes from
        # the same pages, searched here as HTML
        renderer=SiteStep(pdf=False),
        derived_dir=derived,
        echo=log.append,
    )
    assert result.success, result.message + "\n" + "\n".join(log)
    assert _digest(data) == data_before and _digest(RAW) == raw_before

    searched = [p for root in (out, derived) for p in sorted(root.rglob("*")) if p.is_file()]
    kinds = {p.relative_to(out).parts[0] for p in searched if p.is_relative_to(out)}
    # Every kind of output exists, so the search below is not vacuous.
    for kind in ("site", "tables", "derived", "notebooks", "figures", "manifest.json"):
        assert kind in kinds, (kind, sorted(kinds))
    assert any(p.suffix == ".ipynb" for p in searched)
    assert any(p.suffix == ".html" for p in searched)
    assert list(derived.glob("*.csv"))

    found: dict[str, list[str]] = {}
    keys = needles(planted)
    for path in searched:
        blob = path.read_bytes()
        hits = [n.decode() for n in keys if n in blob]
        if hits:
            found[str(path.relative_to(tmp_path))] = hits
    assert not found, "personal values leaked into:\n" + "\n".join(
        f"{rel}: {len(hits)} value(s), e.g. {hits[:3]}" for rel, hits in sorted(found.items())
    )
    # The marker of the planted values too (catches a value split or re-cased on the way). It
    # is long enough that base64 images in executed notebooks cannot contain it by chance.
    for path in searched:
        assert b"zqprivat" not in path.read_bytes().lower(), path
