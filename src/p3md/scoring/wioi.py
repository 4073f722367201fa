"""Scores of the Wioi pre/post tests and the satisfaction survey (rules in ``cb.wioi``)."""

from __future__ import annotations

import math

import pandas as pd

from p3md.codebook import Codebook
from p3md.io.schema import question_columns


def score_wioi_tests(tests: pd.DataFrame, cb: Codebook) -> pd.DataFrame:
    """One row per participant and phase: correct answers, score and per-aspect pass flags.

    score = points_per_question x correct multiple-choice answers + case-study points; an aspect
    is passed with at least ``ceil(aspect_pass_share x questions in the aspect)`` right.
    """
    w = cb.wioi
    qcols = question_columns(cb, "wioi_tests")
    answers = tests[qcols].astype("Int64")
    out = pd.DataFrame(
        {
            "participant_id": tests["participant_id"].astype("string"),
            "phase": tests["phase"].astype("string"),
        }
    )
    out["mc_correct"] = answers.sum(axis=1, min_count=len(qcols)).astype("Int64")
    out["case_study"] = tests["case_study"].astype("Int64")
    out["score"] = (out["mc_correct"] * int(w["points_per_question"]) + out["case_study"]).astype(
        "Int64"
    )
    for aspect, spec in w["aspects"].items():
        first, last = spec["questions"]
        cols = qcols[first - 1 : last]
        need = math.ceil(float(w["aspect_pass_share"]) * len(cols) - 1e-9)
        correct = answers[cols].sum(axis=1, min_count=len(cols)).astype("Int64")
        out[f"{aspect}_correct"] = correct
        out[f"{aspect}_pass"] = (correct >= need).astype("Int64")
    cats = {t: _wioi_category(cb, int(t)) for t in out["score"].dropna().unique()}
    out["score_cat"] = out["score"].map(cats).astype("string")
    return out


def _wioi_category(cb: Codebook, score: int) -> str | None:
    for cat in cb.wioi["score_categories"]:
        if cat["min"] <= score <= cat["max"]:
            return cat["label"]
    return None


def score_wioi_satisfaction(survey: pd.DataFrame, cb: Codebook) -> pd.DataFrame:
    """One row per respondent: wave, 1-5 answer and ``satisfied`` (1 if >= satisfied_from)."""
    cut = int(cb.wioi["satisfaction"]["satisfied_from"])
    out = survey[["respondent_id", "wave", "satisfaction"]].copy()
    out["satisfied"] = (out["satisfaction"].astype("Int64") >= cut).astype("Int64")
    return out.reset_index(drop=True)
