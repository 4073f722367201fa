"""The published numbers (``data/published.yaml``) and their comparison with the reproduction.

Status words are Indonesian because they go straight into the report: "sesuai" (agrees within
tolerance), "tidak sesuai" (disagrees), "tidak dapat dihitung" (no reproduced value).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from p3md import PROJECT_ROOT
from p3md.codebook import read_yaml
from p3md.safe_yaml import DataFileError, DuplicateKeyError, shown_key
from p3md.stats.errors import StatsInputError
from p3md.words import word

DEFAULT_PUBLISHED = PROJECT_ROOT / "data" / "published.yaml"
AGREES, DISAGREES, NOT_COMPUTABLE = "sesuai", "tidak sesuai", "tidak dapat dihitung"

Published = dict[str, Any]


def parse_printed(printed: str, decimal: str = ",") -> float:
    """Parse a number as printed: ``"0,5833"`` -> 0.5833, ``"1.674"`` -> 1674 (``decimal=","``,
    Indonesian); ``"0.872"`` -> 0.872 (``decimal="."``); ``"58%"`` -> 58; ``"1:2,3"`` -> 2.3."""
    s = printed.strip().rstrip("%").strip()
    if s.startswith("1:"):
        s = s[2:]
    if decimal == ",":
        s = s.replace(".", "").replace(",", ".")
    elif decimal != ".":
        raise StatsInputError(f"unknown decimal mark {decimal!r}")
    if not re.fullmatch(r"-?\d+(\.\d+)?", s):
        raise StatsInputError(f"cannot parse printed number {printed!r}")
    return float(s)


def printed_decimals(printed: str, decimal: str = ",") -> int:
    """Number of decimals shown in ``printed`` (0 for "59", 4 for "0,5833")."""
    s = printed.strip().rstrip("%").strip().removeprefix("1:")
    return len(s.split(decimal, 1)[1]) if decimal in s else 0


def load_published(path: str | Path | None = None) -> Published:
    """Load ``data/published.yaml`` and check that every ``value`` is its ``printed`` parsed."""
    path = Path(path or DEFAULT_PUBLISHED)
    try:
        data = read_yaml(path)
    except DuplicateKeyError as exc:
        raise DataFileError(
            path.name, f"line {exc.line}, key {shown_key(exc.key)}", exc.rule(), exc.fix()
        ) from None
    ids = [r["id"] for r in data.get("values", [])] + [c["id"] for c in data.get("conclusions", [])]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise StatsInputError(f"published.yaml: duplicated ids {dup}")
    for rec in data.get("values", []):
        for key in ("id", "source", "description", "printed", "value"):
            if key not in rec:
                raise StatsInputError(f"published.yaml: record {rec.get('id')} lacks {key!r}")
        parsed = parse_printed(str(rec["printed"]), rec.get("decimal", ","))
        if not math.isclose(parsed, float(rec["value"]), rel_tol=0, abs_tol=1e-12):
            raise StatsInputError(
                f"published.yaml: {rec['id']} printed {rec['printed']!r} parses to {parsed}, "
                f"but value is {rec['value']}"
            )
    return data


def values_frame(published: Published) -> pd.DataFrame:
    """All value records as a DataFrame (columns id, source, table, row, column, description,
    printed, decimal, value, decimals)."""
    df = pd.DataFrame(published["values"])
    for col in ("table", "row", "column", "decimal"):
        if col not in df.columns:
            df[col] = None
    df["decimal"] = df["decimal"].fillna(",")
    df["decimals"] = [
        printed_decimals(str(p), d) for p, d in zip(df["printed"], df["decimal"], strict=True)
    ]
    return df


def value(published: Published, id_: str) -> float:
    """The parsed value of one record."""
    for rec in published["values"]:
        if rec["id"] == id_:
            return rec["value"]
    raise KeyError(f"no published value {id_!r}")


def record(published: Published, id_: str) -> dict[str, Any]:
    for rec in published["values"]:
        if rec["id"] == id_:
            return rec
    raise KeyError(f"no published value {id_!r}")


def table_frame(published: Published, table: str) -> pd.DataFrame:
    """A printed table rebuilt wide (index = row label as printed, columns = ``column``),
    including its "Jumlah" row when printed."""
    df = values_frame(published)
    sub = df.loc[df["table"] == table]
    if sub.empty:
        raise KeyError(f"no printed table {table!r}")
    wide = sub.pivot(index="row", columns="column", values="value")
    return wide.loc[pd.unique(sub["row"]), pd.unique(sub["column"])]


def table8_frame(published: Published) -> pd.DataFrame:
    """Table 8 as printed without its total row: columns kecamatan, villages, respondents."""
    wide = table_frame(published, "T8").drop(index="Jumlah")
    out = wide.rename_axis("kecamatan").reset_index()[["kecamatan", "villages", "respondents"]]
    return out.astype({"villages": int, "respondents": int})


def _tolerance(rec: Mapping[str, Any]) -> float:
    # Half a unit in the last printed digit: "0.677" agrees with 0.6774 but not 0.6786.
    return 0.5 * 10 ** -printed_decimals(str(rec["printed"]), rec.get("decimal", ","))


def compare_values(
    published: Published,
    reproduced: Mapping[str, float | None],
    tolerance: float | Mapping[str, float] | None = None,
    *,
    only_reproduced: bool = True,
) -> pd.DataFrame:
    """Published versus reproduced numbers.

    ``reproduced`` maps record ids to values (None/NaN = could not be computed).
    ``tolerance``: None = half a unit of the last printed decimal (the printed precision); a
    float for all; or a dict per id. ``only_reproduced`` limits the rows to ids present in
    ``reproduced``. Columns: ``id``, ``source``, ``description``, ``printed``, ``published``,
    ``reproduced``, ``difference`` (reproduced - published), ``tolerance``, ``status``.
    """
    unknown = sorted(set(reproduced) - {r["id"] for r in published["values"]})
    if unknown:
        raise StatsInputError(f"compare_values: ids not in published.yaml: {unknown}")
    rows = []
    for rec in published["values"]:
        if only_reproduced and rec["id"] not in reproduced:
            continue
        got = reproduced.get(rec["id"])
        if isinstance(tolerance, Mapping):
            tol = tolerance.get(rec["id"], _tolerance(rec))
        else:
            tol = _tolerance(rec) if tolerance is None else float(tolerance)
        if got is None or (isinstance(got, float) and math.isnan(got)):
            diff, status = None, NOT_COMPUTABLE
        else:
            diff = float(got) - float(rec["value"])
            # Decimal arithmetic so that 0.6775 - 0.677 = 0.0005 counts as within 0.0005.
            within = abs(Decimal(repr(float(got))) - Decimal(repr(float(rec["value"])))) <= Decimal(
                repr(tol)
            )
            status = AGREES if within else DISAGREES
        rows.append(
            {
                "id": rec["id"],
                "source": rec["source"],
                "description": rec["description"],
                "printed": rec["printed"],
                "published": rec["value"],
                "reproduced": got,
                "difference": diff,
                "tolerance": tol,
                "status": status,
            }
        )
    return pd.DataFrame(rows)


# -- conclusions ---------------------------------------------------------------------------
def result_key(check: Mapping[str, Any]) -> str:
    """Key under which :func:`compare_conclusions` looks up the reproduced result of a check.

    category -> ``category|<variable>|<group>`` (value: category label)
    spearman -> ``spearman|<x>|<y>|<group>`` (value: bool significant)
    spearman_sign -> ``spearman_sign|<x>|<y>|<group>`` ("positive"/"negative"/"none")
    kruskal -> ``kruskal|<outcome>|<group_col>`` (bool significant)
    prepost -> ``prepost|<outcome>``, satisfaction -> ``satisfaction|<outcome>`` (bool)
    satisfaction_increase -> ``satisfaction_increase|<outcome>`` (bool: share higher after)
    """
    kind = check["kind"]
    if kind == "category":
        return f"category|{check['variable']}|{check['group']}"
    if kind in ("spearman", "spearman_sign"):
        return f"{kind}|{check['x']}|{check['y']}|{check.get('group', 'all')}"
    if kind == "kruskal":
        return f"kruskal|{check['outcome']}|{check['group_col']}"
    if kind in ("prepost", "satisfaction", "satisfaction_increase"):
        return f"{kind}|{check['outcome']}"
    raise StatsInputError(f"unknown conclusion check kind {kind!r}")


#: The check phrases of the conclusion table and the words for a correlation's sign, by
#: language (the report shows ``id``; ``en`` is for the English summary).
CHECK_WORDS: dict[str, dict[str, str]] = {
    "category": {
        "id": "kategori modus {variable} untuk {group}",
        "en": "modal category of {variable} for {group}",
    },
    "spearman": {
        "id": "Spearman {x} ~ {y} nyata{at}",
        "en": "Spearman {x} ~ {y} significant{at}",
    },
    "spearman_sign": {
        "id": "tanda Spearman {x} ~ {y} yang nyata{at}",
        "en": "sign of a significant Spearman {x} ~ {y}{at}",
    },
    "kruskal": {
        "id": "Kruskal-Wallis {outcome} menurut {group_col} nyata{at}",
        "en": "Kruskal-Wallis {outcome} by {group_col} significant{at}",
    },
    "prepost": {
        "id": "beda berpasangan pre/post {outcome} nyata{at}",
        "en": "paired pre/post difference in {outcome} significant{at}",
    },
    "satisfaction_increase": {
        "id": "proporsi {outcome} lebih tinggi sesudah daripada sebelum (klaim tanpa uji)",
        "en": "share {outcome} higher after than before (the claim reports no test)",
    },
    "change": {
        "id": "perubahan {outcome} nyata{at}",
        "en": "change in {outcome} significant{at}",
    },
    "at": {"id": " pada α = {alpha}", "en": " at α = {alpha}"},
    "positive": {"id": "positif", "en": "positive"},
    "negative": {"id": "negatif", "en": "negative"},
    "none": {"id": "tidak nyata", "en": "not significant"},
}
#: Which significance level (run parameter without the ``alpha_`` prefix) each check uses.
CHECK_ALPHA = {
    "spearman": "correlation",
    "spearman_sign": "correlation",
    "kruskal": "difference",
    "prepost": "difference",
    "satisfaction": "difference",
}


def describe_check(
    check: Mapping[str, Any], alphas: Mapping[str, float] | None = None, lang: str = "id"
) -> str:
    """The check as a short phrase for the comparison table; ``alphas`` (``{"correlation":
    0.1, "difference": 0.05}``, the run's parameters) names the level it was tested at."""
    kind = check["kind"]
    template = CHECK_WORDS.get(kind, CHECK_WORDS["change"])[lang]
    level = (alphas or {}).get(CHECK_ALPHA.get(kind, ""))
    decimal = "," if lang == "id" else "."
    at = (
        CHECK_WORDS["at"][lang].format(alpha=f"{level:.2f}".replace(".", decimal))
        if level is not None
        else ""
    )
    return template.format(at=at, **{k: word(v, lang) for k, v in check.items() if k != "kind"})


def shown_value(value: Any, lang: str = "id") -> Any:
    """A reproduced or expected value for display: a sign word in the report's language."""
    if isinstance(value, str) and value in ("positive", "negative", "none"):
        return CHECK_WORDS[value][lang]
    return value


def conclusion_results(
    *,
    categories: Mapping[tuple[str, str], str] | None = None,
    spearman: pd.DataFrame | None = None,
    kruskal: Mapping[str, pd.DataFrame] | None = None,
    prepost_p: float | None = None,
    satisfaction_p: float | None = None,
    satisfaction_diff: float | None = None,
    alpha_difference: float = 0.05,
) -> dict[str, Any]:
    """Build the ``results`` dict for :func:`compare_conclusions` from the stats tables.

    ``categories``: {(variable, group): label}; ``spearman``: output of ``spearman_table``
    (its ``alpha`` and ``significant`` columns are used); ``kruskal``: {group_col: output of
    ``kruskal_table``}; ``prepost_p``/``satisfaction_p``: p values of those tests;
    ``satisfaction_diff``: share satisfied after minus before (percentage points).
    """
    res: dict[str, Any] = {}
    for (var, group), label in (categories or {}).items():
        res[f"category|{var}|{group}"] = label
    if spearman is not None:
        for _, r in spearman.iterrows():
            res[f"spearman|{r['x']}|{r['y']}|{r['group']}"] = bool(r["significant"])
            sign = "none" if not r["significant"] else ("positive" if r["rho"] > 0 else "negative")
            res[f"spearman_sign|{r['x']}|{r['y']}|{r['group']}"] = sign
    for group_col, table in (kruskal or {}).items():
        for _, r in table.iterrows():
            res[f"kruskal|{r['outcome']}|{group_col}"] = bool(r["significant"])
    if prepost_p is not None:
        res["prepost|score"] = bool(prepost_p <= alpha_difference)
    if satisfaction_p is not None:
        res["satisfaction|satisfied"] = bool(satisfaction_p <= alpha_difference)
    if satisfaction_diff is not None:
        res["satisfaction_increase|satisfied"] = bool(satisfaction_diff > 0)
    return res


def compare_conclusions(
    published: Published,
    results: Mapping[str, Any],
    alphas: Mapping[str, float] | None = None,
    lang: str = "id",
) -> pd.DataFrame:
    """Each structured conclusion against the reproduced result.

    Columns: ``id``, ``claim_id``, ``source``, ``claim`` (as printed), ``check`` (what was
    tested), ``implied`` (the claim is read from an omission), ``expected``, ``reproduced``,
    ``status`` ("sesuai"/"tidak sesuai"/"tidak dapat dihitung" when the key is absent or None).
    """
    rows = []
    for c in published.get("conclusions", []):
        check = c["check"]
        key = result_key(check)
        got = results.get(key)
        if got is None:
            status = NOT_COMPUTABLE
        else:
            expected = check["expected"]
            same = (
                (str(got).casefold() == str(expected).casefold())
                if isinstance(expected, str)
                else bool(got) == bool(expected)
            )
            status = AGREES if same else DISAGREES
        rows.append(
            {
                "id": c["id"],
                "claim_id": c["claim_id"],
                "source": c["source"],
                "claim": c["printed"],
                "check": describe_check(check, alphas, lang),
                "implied": bool(c.get("implied", False)),
                "expected": shown_value(check["expected"], lang),
                "reproduced": shown_value(got, lang),
                "status": status,
            }
        )
    return pd.DataFrame(rows)
