"""Small valid raw frames built from the codebook, for the pipeline tests.

The data engineer generates ``data/raw`` in parallel; these frames let the gate tests run
without it, and they follow the codebook so they stay valid when it changes.
"""

from __future__ import annotations

import pandas as pd

from p3md.codebook import Codebook
from p3md.pipeline.raw_gates import question_columns


def _item_value(cb: Codebook, item_id: str, i: int) -> float:
    item = cb.item(item_id)
    if item.response.type == "options":
        return float(1 + i % 3)
    return float(i % 5)


def _items(cb: Codebook, variables: list[str], roles: list[str]) -> dict[str, list]:
    cols: dict[str, list] = {}
    for item_id in cb.columns_for(variables):
        item = cb.item(item_id)
        cols[item_id] = [
            _item_value(cb, item_id, i) if role in item.roles else None
            for i, role in enumerate(roles)
        ]
    return cols


def valid_frames(cb: Codebook) -> dict[str, pd.DataFrame]:
    kec = cb.kecamatan
    villages = pd.DataFrame(
        {
            "village_id": [f"V{i:03d}" for i in range(1, 7)],
            "kecamatan": [kec[i % len(kec)] for i in range(6)],
            "status": ["Berkembang", "Maju", "Mandiri", "Tertinggal", "Berkembang", "Maju"],
            "sampled": [1, 1, 0, 1, 0, 1],
        }
    )
    roles = ["PLD", "PDP", "PLD", "PDP"]
    fac = pd.DataFrame(
        {
            "facilitator_id": [f"F{i:03d}" for i in range(1, 5)],
            "role": roles,
            "kecamatan": [kec[i] for i in range(4)],
            **_items(cb, list(cb.files["facilitators"].item_columns), roles),
        }
    )
    off = pd.DataFrame(
        {
            "official_id": [f"O{i:03d}" for i in range(1, 5)],
            "official_position": [
                "Kepala Desa",
                "Sekretaris Desa",
                "Kaur Keuangan",
                "Operator Desa",
            ],
            "village_id": ["V001", "V002", "V004", "V006"],
            "facilitator_id": ["F001", "F002", "F003", "F004"],
            **_items(cb, ["Y1", "Y2"], roles),
        }
    )
    exp = pd.DataFrame(
        {
            "expert_id": ["E01"] * 4,
            "facilitator_id": ["F001", "F002", "F003", "F004"],
            **_items(cb, ["Y3", "Y4"], roles),
        }
    )
    # The pilot needs the codebook's minimum of rows, with every item varying.
    n_pilot = max(len(roles), cb.files["pilot"].min_rows or 0)
    pilot_roles = [roles[i % len(roles)] for i in range(n_pilot)]
    pilot = pd.DataFrame(
        {
            "respondent_id": [f"P{i:03d}" for i in range(1, n_pilot + 1)],
            "role": pilot_roles,
            **_items(cb, list(cb.files["pilot"].item_columns), pilot_roles),
        }
    )
    qcols = question_columns(cb, cb.files["wioi_tests"])
    tests = pd.DataFrame(
        {
            "participant_id": ["W01", "W01", "W02", "W02"],
            "phase": ["pre", "post", "pre", "post"],
            "case_study": [10, 30, 20, 35],
            **{q: [i % 2, 1, 0, 1] for i, q in enumerate(qcols)},
        }
    )
    sat = pd.DataFrame(
        {
            "respondent_id": ["S001", "S002", "S003", "S004"],
            "wave": ["before", "before", "after", "after"],
            "satisfaction": [3, 4, 5, 2],
        }
    )
    return {
        "village_frame": villages,
        "facilitators": fac,
        "official_ratings": off,
        "expert_ratings": exp,
        "pilot": pilot,
        "wioi_tests": tests,
        "wioi_satisfaction": sat,
    }
