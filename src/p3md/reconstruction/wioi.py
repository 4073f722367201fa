"""The Wioi files: pre/post test answers of 16 officials and two satisfaction survey waves.

The article prints only summaries (means 62,3 and 84,7; aspect shares; 65% and 82% satisfied).
The reconstruction draws individual answers from an ability model and then fixes the counts
that the summaries pin down: the number passing each aspect is the published share times n,
rounded to the nearest achievable count, and the case-study points are adjusted one point at a
time so the phase's score total is the smallest total whose mean prints as published.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from p3md.codebook import Codebook
from p3md.io.schema import file_schema, question_columns
from p3md.reconstruction.params import WIOI_TARGETS


def nearest_count(share: float, n: int) -> int:
    """Count out of ``n`` whose share is nearest to ``share`` (half up)."""
    return int(math.floor(share * n + 0.5))


def total_for_mean(mean: float, n: int, decimals: int = 1) -> int:
    """Integer score total whose mean over ``n`` rounds (half up) to ``mean``; nearest first."""
    target = round(mean * n)
    for delta in sorted(range(-n, n + 1), key=abs):
        total = target + delta
        if math.floor(total / n * 10**decimals + 0.5) / 10**decimals == round(mean, decimals):
            return total
    raise ValueError(f"no integer total of {n} scores has mean {mean}")


def _aspect_correct(
    rng: np.random.Generator, ability: np.ndarray, n_pass: int, per_aspect: int, pass_from: int
) -> np.ndarray:
    """Correct answers (0..per_aspect) in one aspect with exactly ``n_pass`` passing."""
    n = ability.size
    keys = ability + rng.normal(0, 0.7, n)
    passing = np.zeros(n, dtype=bool)
    passing[np.argsort(-keys, kind="stable")[:n_pass]] = True
    strength = 1 / (1 + np.exp(-ability))  # 0..1
    above = rng.binomial(per_aspect - pass_from, strength)
    below = rng.binomial(pass_from - 2, strength)
    return np.where(passing, pass_from + above, 2 + below)


def build_wioi_tests(cb: Codebook, rng: np.random.Generator) -> pd.DataFrame:
    """Pre and post answers (q01..q30 as 0/1) and case-study points of the participants."""
    w = cb.wioi
    n = int(w["participants"])
    qcols = question_columns(cb, "wioi_tests")
    pass_from = math.ceil(float(w["aspect_pass_share"]) * 10)  # 7 of 10
    ability_pre = rng.normal(0, 1, n)
    ability_post = 0.7 * ability_pre + np.sqrt(1 - 0.49) * rng.normal(0, 1, n)
    easiness = rng.normal(0, 1, len(qcols))
    rows = []
    for phase, ability in (("pre", ability_pre), ("post", ability_post)):
        answers = np.zeros((n, len(qcols)), dtype=np.int64)
        for aspect, spec in w["aspects"].items():
            first, last = spec["questions"]
            k = last - first + 1
            share = WIOI_TARGETS["aspect_pass_share"][phase][aspect]
            correct = _aspect_correct(rng, ability, nearest_count(share, n), k, pass_from)
            # Which questions: easier ones are more likely right (Gumbel top-k sampling).
            keys = easiness[first - 1 : last] + rng.gumbel(size=(n, k))
            rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
            answers[:, first - 1 : last] = (rank < correct[:, None]).astype(np.int64)
        mc_points = answers.sum(axis=1) * int(w["points_per_question"])
        total = total_for_mean(WIOI_TARGETS["mean"][phase], n)
        case = _case_points(ability, total - int(mc_points.sum()), int(w["case_study_max"]), n)
        rows.append((phase, answers, case))
    ids = np.array([f"W{i:02d}" for i in range(1, n + 1)], dtype=object)
    data: dict[str, object] = {
        "participant_id": np.concatenate([ids, ids]),
        "phase": np.array(["pre"] * n + ["post"] * n, dtype=object),
        "case_study": np.concatenate([r[2] for r in rows]),
    }
    stacked = np.vstack([r[1] for r in rows])
    for j, q in enumerate(qcols):
        data[q] = stacked[:, j]
    schema = file_schema(cb, "wioi_tests")
    return pd.DataFrame(
        {
            c: pd.array(data[c], dtype="string" if k == "string" else "Int64")
            for c, k in schema.columns.items()
        }
    )


def _case_points(ability: np.ndarray, needed: int, cap: int, n: int) -> np.ndarray:
    """Case-study points (0..cap) that follow ability and sum exactly to ``needed``."""
    if not 0 <= needed <= cap * n:
        raise ValueError(f"case-study total {needed} is not reachable with {n} x 0..{cap}")
    points = np.clip(np.round(needed / n + 4 * ability), 0, cap).astype(np.int64)
    order = np.argsort(-ability, kind="stable")
    while (diff := needed - int(points.sum())) != 0:
        step = 1 if diff > 0 else -1
        # Give extra points to the ablest first, take points from the weakest first.
        for i in order if step > 0 else order[::-1]:
            if 0 <= points[i] + step <= cap and needed != int(points.sum()):
                points[i] += step
    return points


def build_wioi_satisfaction(cb: Codebook, rng: np.random.Generator) -> pd.DataFrame:
    """Two independent waves of 1-5 satisfaction answers with the published satisfied counts."""
    s = cb.wioi["satisfaction"]
    n, top, sat_from = int(s["respondents_per_wave"]), int(s["scale_max"]), int(s["satisfied_from"])
    waves, scores = [], []
    for wave, share in WIOI_TARGETS["satisfied_share"].items():
        k = nearest_count(share, n)
        high = rng.integers(sat_from, top + 1, k)
        low = rng.choice(np.arange(1, sat_from), n - k, p=_low_weights(sat_from))
        scores.append(rng.permutation(np.concatenate([high, low])))
        waves += [wave] * n
    ids = np.array([f"S{i:03d}" for i in range(1, 2 * n + 1)], dtype=object)
    return pd.DataFrame(
        {
            "respondent_id": pd.array(ids, dtype="string"),
            "wave": pd.array(waves, dtype="string"),
            "satisfaction": pd.array(np.concatenate(scores), dtype="Int64"),
        }
    )


def _low_weights(sat_from: int) -> np.ndarray:
    # Unsatisfied answers lean towards the neutral middle of the scale.
    w = np.arange(1, sat_from, dtype=float)
    return w / w.sum()
