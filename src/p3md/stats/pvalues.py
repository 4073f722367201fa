"""How a p value was computed, and the exact null distributions the libraries do not give.

Every test table of the report carries, per row, the p of SPSS's "Asymp. Sig. (2-tailed)"
(``p_asymptotic``), the exact p where the sample allows one (``p_exact``, SPSS's "Exact Sig."),
the method of each, and the p that decides (``p``), chosen by the run parameter ``p_method``:

- ``"asymptotic"`` (default): the asymptotic p, as SPSS prints it by default;
- ``"exact"``: the exact p wherever it was computed, else the asymptotic p;
- ``"auto"``: the exact p when it was computed and the sample has at most
  :data:`AUTO_EXACT_MAX_N` observations (the NPAR TESTS rule of SPSS: "An exact significance
  level is computed if there are 40 or fewer cases"), else the asymptotic p.

Method keys (``METHODS``) are data; their words are in :data:`METHOD_LABELS` by language.

Why own code for the exact distributions: scipy's ``method="exact"`` for Mann-Whitney and
Wilcoxon assumes no ties ("No correction is made for ties"), and ``scipy.stats.permutation_test``
enumerates every permutation, C(39, 16) = 3.8e10 for the NAG example below. The permutation
distribution of a rank sum *conditional on the tied ranks* has a simple recursion over
observations (Streitberg & Roehmel 1986, "Exact distributions for permutation and rank tests",
Statistical Software Newsletter 12:10-17; Neumann 1988 for NAG's G08AKF): at most
N * n1 * sum-of-ranks steps. The tests check it against ``permutation_test`` on small samples
and against printed exact p values (R's ``?wilcox.test``, NAG G08AHF/G08AKF with ties).
"""

from __future__ import annotations

import functools
import itertools
import math

import numpy as np

from p3md.stats.errors import StatsInputError

P_METHODS = ("asymptotic", "exact", "auto")
#: ``p_method="auto"`` uses an exact p up to this many observations (SPSS NPAR TESTS M-W rule).
AUTO_EXACT_MAX_N = 40
#: Exact conditional distributions are computed up to this many observations; above it the
#: asymptotic p is accurate and the recursion would cost seconds per test.
EXACT_MAX_N = 100

#: Method keys, one per way a p is computed.
EXACT = "exact"  # exact null distribution, no ties
EXACT_CONDITIONAL = "exact_conditional"  # exact permutation distribution given the tied ranks
ASYMPTOTIC = "asymptotic"  # normal approximation without continuity correction (SPSS)
ASYMPTOTIC_CC = "asymptotic_cc"  # normal approximation with continuity correction (R default)
ASYMPTOTIC_T = "asymptotic_t"  # t approximation, df = n - 2 (Spearman; SPSS and R with ties)
ASYMPTOTIC_CHI2 = "asymptotic_chi2"  # chi-square approximation (Kruskal-Wallis)
T_DIST = "t"  # Student's t distribution (paired t-test; exact under normality)
EXACT_BINOMIAL = "exact_binomial"  # McNemar
EXACT_HYPERGEOMETRIC = "exact_hypergeometric"  # Fisher
ROYSTON = "royston"  # Shapiro-Wilk, Royston (1995) approximation
NOT_AVAILABLE = "not_available"

METHODS = (
    EXACT,
    EXACT_CONDITIONAL,
    ASYMPTOTIC,
    ASYMPTOTIC_CC,
    ASYMPTOTIC_T,
    ASYMPTOTIC_CHI2,
    T_DIST,
    EXACT_BINOMIAL,
    EXACT_HYPERGEOMETRIC,
    ROYSTON,
    NOT_AVAILABLE,
)

METHOD_LABELS: dict[str, dict[str, str]] = {
    "id": {
        EXACT: "eksak",
        EXACT_CONDITIONAL: "eksak permutasi (bersyarat pada ranking kembar)",
        ASYMPTOTIC: "asimtotik normal, tanpa koreksi kontinuitas",
        ASYMPTOTIC_CC: "asimtotik normal, dengan koreksi kontinuitas",
        ASYMPTOTIC_T: "asimtotik (distribusi t, df = n - 2)",
        ASYMPTOTIC_CHI2: "asimtotik (khi-kuadrat)",
        T_DIST: "distribusi t",
        EXACT_BINOMIAL: "eksak (binomial)",
        EXACT_HYPERGEOMETRIC: "eksak (hipergeometrik)",
        ROYSTON: "pendekatan Royston",
        NOT_AVAILABLE: "tidak tersedia",
    },
    "en": {
        EXACT: "exact",
        EXACT_CONDITIONAL: "exact permutation (conditional on tied ranks)",
        ASYMPTOTIC: "asymptotic normal, without continuity correction",
        ASYMPTOTIC_CC: "asymptotic normal, with continuity correction",
        ASYMPTOTIC_T: "asymptotic (t distribution, df = n - 2)",
        ASYMPTOTIC_CHI2: "asymptotic (chi-square)",
        T_DIST: "t distribution",
        EXACT_BINOMIAL: "exact (binomial)",
        EXACT_HYPERGEOMETRIC: "exact (hypergeometric)",
        ROYSTON: "Royston approximation",
        NOT_AVAILABLE: "not available",
    },
}

#: The sentence naming the column that decided (``p_method``), per language.
DECISION_SENTENCES: dict[str, dict[str, str]] = {
    "id": {
        "asymptotic": "Keputusan memakai p asimtotik (Asymp. Sig. SPSS).",
        "exact": "Keputusan memakai p eksak bila tersedia, selain itu p asimtotik.",
        "auto": ("Keputusan memakai p eksak bila tersedia dan n ≤ {n}, selain itu p asimtotik."),
    },
    "en": {
        "asymptotic": "Decisions use the asymptotic p (SPSS's Asymp. Sig.).",
        "exact": "Decisions use the exact p where available, else the asymptotic p.",
        "auto": "Decisions use the exact p where available and n ≤ {n}, else the asymptotic p.",
    },
}


def method_label(key: str, lang: str = "id") -> str:
    """Words for a method key (:data:`METHODS`) in ``lang``."""
    return METHOD_LABELS.get(lang, METHOD_LABELS["id"]).get(key, key)


def decision_sentence(p_method: str, lang: str = "id") -> str:
    """One sentence for a table note: which p decided (``p_method``)."""
    check_p_method(p_method)
    return DECISION_SENTENCES.get(lang, DECISION_SENTENCES["id"])[p_method].format(
        n=AUTO_EXACT_MAX_N
    )


def check_p_method(p_method: str) -> None:
    if p_method not in P_METHODS:
        raise StatsInputError(f"p_method must be one of {P_METHODS}, got {p_method!r}")


def choose(
    p_asymptotic: float,
    method_asymptotic: str,
    p_exact: float,
    method_exact: str,
    n: int,
    p_method: str,
) -> dict[str, object]:
    """The row fields of a test: both p values with their methods and the deciding one."""
    check_p_method(p_method)
    has_exact = method_exact != NOT_AVAILABLE and not math.isnan(p_exact)
    use_exact = has_exact and (
        p_method == "exact" or (p_method == "auto" and n <= AUTO_EXACT_MAX_N)
    )
    return {
        "p_asymptotic": float(p_asymptotic),
        "method_asymptotic": method_asymptotic,
        "p_exact": float(p_exact) if has_exact else math.nan,
        "method_exact": method_exact if has_exact else NOT_AVAILABLE,
        "p": float(p_exact) if use_exact else float(p_asymptotic),
        "p_method": method_exact if use_exact else method_asymptotic,
    }


def _doubled(ranks: np.ndarray) -> np.ndarray:
    """Average ranks times two: integers, so sums compare exactly."""
    twice = np.rint(2 * np.asarray(ranks, dtype=float)).astype(np.int64)
    if not np.allclose(twice, 2 * np.asarray(ranks, dtype=float)):
        raise StatsInputError("ranks must be whole or half numbers (average ranks)")
    return twice


def _two_sided(dist: np.ndarray, observed: int) -> float:
    """2 x the smaller tail of an integer-valued distribution (counts), capped at 1: the
    convention of SPSS's "Exact Sig. [2*(1-tailed Sig.)]" and of R's exact tests."""
    total = dist.sum()
    lower = dist[: observed + 1].sum() / total
    upper = dist[observed:].sum() / total
    return float(min(1.0, 2 * min(lower, upper)))


def rank_sum_exact_p(ranks: np.ndarray, in_first: np.ndarray) -> float:
    """Exact two-sided p of the rank sum of the first group, conditional on the (average,
    possibly tied) ranks of the pooled sample: every way of choosing n1 of the N ranks is
    equally likely under H0. Equals the no-ties exact Mann-Whitney p when there are no ties."""
    r2 = _doubled(ranks)
    first = np.asarray(in_first, dtype=bool)
    n1 = int(first.sum())
    observed = int(r2[first].sum())
    total = int(r2.sum())
    # ways[j, s]: number of ways to choose j of the ranks seen so far with doubled sum s
    ways = np.zeros((n1 + 1, total + 1))
    ways[0, 0] = 1.0
    for r in r2:
        ways[1:, r:] = ways[1:, r:] + ways[:-1, : total + 1 - r]
    return _two_sided(ways[n1], observed)


def signed_rank_exact_p(ranks: np.ndarray, positive: np.ndarray) -> float:
    """Exact two-sided p of W+ (sum of the ranks of positive differences), conditional on the
    (average, possibly tied) ranks of |d|: every sign pattern is equally likely under H0."""
    r2 = _doubled(ranks)
    observed = int(r2[np.asarray(positive, dtype=bool)].sum())
    total = int(r2.sum())
    ways = np.zeros(total + 1)
    ways[0] = 1.0
    for r in r2:
        ways[r:] = ways[r:] + ways[: total + 1 - r].copy()
    return _two_sided(ways, observed)


@functools.lru_cache(maxsize=16)
def _spearman_s_counts(n: int) -> np.ndarray:
    """Counts of S = sum d^2 over all n! orderings of the ranks 1..n (index = S)."""
    base = np.arange(n, dtype=np.int64)
    perms = np.array(list(itertools.permutations(range(n))), dtype=np.int64)
    s = ((perms - base) ** 2).sum(axis=1)
    return np.bincount(s, minlength=(n**3 - n) // 3 + 1).astype(float)


def spearman_exact_p(x: np.ndarray, y: np.ndarray) -> float:
    """Exact two-sided p of Spearman's rho without ties, from all n! orderings (n <= 9).

    ``S = sum (rank x - rank y)^2``; p = 2 x the smaller tail of S, capped at 1, as R's
    ``cor.test(method = "spearman", exact = TRUE)``. Own code because
    ``scipy.stats.permutation_test(permutation_type="pairings")`` ran out of memory on 9!
    orderings here; the whole distribution of S for n = 9 is 363k integers.
    """
    # imported here: the report's views read this module's words (method_label), and scipy
    # cost 1.1 s of the site's render after a one-stage edit (make bench)
    from scipy import stats

    rx, ry = stats.rankdata(x), stats.rankdata(y)
    n = len(rx)
    if n > 9 or len(np.unique(rx)) < n or len(np.unique(ry)) < n:
        raise StatsInputError("spearman_exact_p: needs n <= 9 and no ties")
    observed = int(round(((rx - ry) ** 2).sum()))
    return _two_sided(_spearman_s_counts(n), observed)
