"""A small fake run folder, for testing the site without running the pipeline.

``make_fake_run(run_dir, data_dir)`` writes an executed-looking notebook per stage of the
registry's one-folder run (one with a labelled table and its CSV, one with a labelled figure
and its PNG/SVG), a manifest in the pipeline's shape, great-expectations-shaped gate results
and two raw files.
"""

from __future__ import annotations

import json
import struct
import zlib
from pathlib import Path


def _stages() -> list[tuple[str, str]]:
    """(notebook stem, title) of a one-folder run's stages, from the registry (stages.yaml)."""
    from p3md.pipeline.stages import default_registry

    return [(s.notebook.stem, s.title) for s in default_registry().for_run("single")]


STAGES = _stages()

TABLE_HTML = (
    '<table border="1" class="dataframe"><thead><tr><th>variabel</th><th>alpha</th></tr></thead>'
    "<tbody><tr><td>X2</td><td>0,71</td></tr><tr><td>Y</td><td>0,88</td></tr></tbody></table>"
)


def tiny_png(width: int = 8, height: int = 8) -> bytes:
    """A valid grey PNG, without any imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _md(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def _code(src: str, outputs: list[dict]) -> dict:
    return {
        "cell_type": "code",
        "metadata": {},
        "execution_count": 1,
        "source": src,
        "outputs": outputs,
    }


def notebook(title: str, cells: list[dict]) -> dict:
    return {
        "cells": [_md(f"# {title}\n"), *cells],
        "metadata": {
            "kernelspec": {"name": "p3md", "language": "python", "display_name": "Python (p3md)"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def make_fake_run(run_dir: Path, data_dir: Path) -> Path:
    run_dir, data_dir = Path(run_dir), Path(data_dir)
    for sub in ("notebooks", "tables", "figures", "derived", "gates"):
        (run_dir / sub).mkdir(parents=True, exist_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    png = tiny_png()
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8">'
        '<rect width="8" height="8" fill="grey"/></svg>'
    )
    for stem, title in STAGES:
        cells: list[dict] = [_md(f"Bab ini adalah tahap `{stem}` [@yulistiani2023].\n")]
        if stem == "03_instrument":
            cells += [
                _md(
                    "Reliabilitas ada di @tbl-reliabilitas, dihitung dengan alfa Cronbach "
                    "[@cronbach1951; @vallat2018, hlm. 2]. Menurut @spearman1904 ...\n"
                ),
                _code(
                    "#| label: tbl-reliabilitas\n"
                    '#| tbl-cap: "Tabel 11. Hasil uji reliabilitas"\ntable',
                    [
                        {
                            "output_type": "execute_result",
                            "execution_count": 1,
                            "metadata": {},
                            "data": {"text/html": TABLE_HTML, "text/plain": "table"},
                        }
                    ],
                ),
            ]
            (run_dir / "tables" / "tbl-reliabilitas.csv").write_text(
                "variabel,alpha\nX2,0.71\nY,0.88\n"
            )
        if stem == "04_descriptive":
            cells += [
                _md("Sebaran skor Y ada di @fig-sebaran-y; bandingkan dengan @tbl-reliabilitas.\n"),
                _code(
                    '#| label: fig-sebaran-y\n#| fig-cap: "Gambar D1. Sebaran skor Y"\nfig',
                    [
                        {
                            "output_type": "display_data",
                            "metadata": {},
                            "data": {
                                "image/png": __import__("base64").b64encode(png).decode(),
                                "text/plain": "<Figure>",
                            },
                        }
                    ],
                ),
            ]
            (run_dir / "figures" / "fig-sebaran-y.png").write_bytes(png)
            (run_dir / "figures" / "fig-sebaran-y.svg").write_text(svg)
        if stem == "08_audit":
            cells += [_md("Uji GRIM [@brown2017] atas rerata terbitan.\n")]
        (run_dir / "notebooks" / f"{stem}.ipynb").write_text(json.dumps(notebook(title, cells)))
    (run_dir / "derived" / "facilitators_scored.csv").write_text("facilitator_id,Y\nF001,70\n")
    (data_dir / "village_frame.csv").write_text(
        "village_id;kecamatan;status;sampled\nV001;Way Lima;Maju;1\n"
    )
    (data_dir / "contacts.csv").write_text("facilitator_id,nama,telepon\nF001,Ani,0812\n")
    manifest = {
        "commit": "0123456789abcdef0123456789abcdef01234567",
        "dirty": False,
        "started": "2026-11-23T10:00:00+00:00",
        "finished": "2026-11-23T10:01:05+00:00",
        "data_dir": str(data_dir),
        "inputs": {"village_frame.csv": {"sha256": "ab" * 32, "bytes": 60}},
        "parameters": {"seed": 20230616, "alpha_correlation": 0.1, "lang": "id"},
        "versions": {"python": "3.11.9", "pandas": "2.2.3", "pingouin": "0.7.0"},
        "stages": [{"name": stem, "seconds": 1.5, "status": "ok"} for stem, _ in STAGES],
    }
    (run_dir / "manifest.json").write_text(json.dumps(manifest, indent=2))
    gate = {
        "success": True,
        "suite_name": "raw.village_frame",
        "results": [
            {
                "success": True,
                "result": {"observed_value": 144},
                "expectation_config": {
                    "type": "expect_table_row_count_to_equal",
                    "kwargs": {"value": 144, "batch_id": "x"},
                },
            },
            {
                "success": True,
                "result": {
                    "element_count": 144,
                    "unexpected_count": 0,
                    "partial_unexpected_list": [],
                },
                "expectation_config": {
                    "type": "expect_column_values_to_match_regex",
                    "kwargs": {"column": "village_id", "regex": "^V\\d{3}$"},
                },
            },
        ],
    }
    (run_dir / "gates" / "raw.json").write_text(json.dumps(gate))
    (run_dir / "gates" / "derived.json").write_text(
        json.dumps(
            {
                "suite": "derived.scored",
                "success": True,
                "expectations": [
                    {
                        "expectation": "expect_column_values_to_be_between",
                        "column": "Y",
                        "success": True,
                        "observed": "29..87",
                    }
                ],
            }
        )
    )
    return run_dir
