"""Random-effects meta-analysis of the districts' effects (the synthesis chapter, stage 09).

Per district, two kinds of effect are computed from its scored facilitators, each on a scale
where its sampling distribution is close to normal, with a standard error:

- **the difference in the outcome Y between two groups a and b** (the codebook's roles, each
  pair of them in declared order; the thesis: PLD and PDP): the rank-biserial correlation
  ``r_rb = P(a > b) - P(a < b) = 2 A - 1`` (Cliff's delta, Somers' d), with
  ``A = P(a > b) + P(=)/2`` and its standard error from the Brunner-Munzel (2000) variance
  estimator as statsmodels computes it (``rank_compare_2indep``; Neubert & Brunner 2007 give
  the corrected formula). Why this and not Hedges' g: Y is a sum of ratings, ordinal with
  many ties, and groups differ in spread; the rank effect makes no interval-scale or
  equal-variance assumption, the Brunner-Munzel variance is valid under ties and unequal
  variances, and it is the effect stage 05 already reports (for the thesis its Mann-Whitney
  ``RBC`` has PDP as group 1, so it is this r_rb with the sign reversed). It is pooled on the
  Fisher-z scale ``z = atanh(r_rb) = logit(A) / 2`` (the usual logit transform of A,
  halved) with the delta method ``SE_z = SE_r / (1 - r_rb^2)``, so the pooled interval
  back-transformed with ``tanh`` stays inside (-1, 1).
- **Spearman's rho of each characteristic X with Y** (the codebook's ``analysis:``):
  ``z = atanh(rho)`` with the Bonett & Wright (2000, Psychometrika 65(1):23-28) standard
  error for Spearman's rho,
  ``SE_z = sqrt((1 + rho^2 / 2) / (n - 3))`` (Fisher's ``1/sqrt(n - 3)`` is too small for rho).

Pooling: :func:`random_effects` runs ``statsmodels.stats.meta_analysis.combine_effects``.
The default is Paule-Mandel (``method="pm"``, statsmodels' ``"iterated"``), which Veroniki et
al. (2016, Res Synth Methods 7:55-79) and Langan et al. (2019, Res Synth Methods 10:83-98)
recommend with REML over DerSimonian-Laird, whose one-step moment estimate underestimates
tau^2 when heterogeneity is large; ``method="dl"`` is available, and ``method="reml"``
(metafor's default, restricted maximum likelihood; statsmodels has none, so its tau^2 is
solved here, :func:`_reml_root`, and pooled by inverse variance at it).
Around ``combine_effects`` this module adds what it leaves to the caller:

- tau^2 is truncated at 0 (statsmodels' DL returns ``(Q - df) / c`` unclipped, and then
  weights ``1 / (v - |tau^2|)``); with tau^2 = 0 the random-effects estimate is the
  fixed-effect one, which is what is returned;
- I^2 = max(0, (Q - df) / Q) (Higgins & Thompson 2002, Stat Med 21:1539-1558), Q-based, so it
  does not depend on the tau^2 estimator (metafor prints tau^2 / (tau^2 + s^2) instead, which
  equals this for DL only);
- the prediction interval of Higgins, Thompson & Spiegelhalter (2009, J R Stat Soc A
  172:137-159): ``mu +/- t_{k-2, 1-alpha/2} sqrt(tau^2 + SE(mu)^2)``; undefined (NaN, with
  the reason in ``pi_note``) for k = 2, where t has 0 degrees of freedom;
- the Paule-Mandel solution is checked: the generalised Q at the returned tau^2 must equal
  k - 1 (or tau^2 = 0 with Q(0) < k - 1); where statsmodels' iteration overshoots, the root
  is found by bracketing (:func:`_pm_root`) and pooled at that tau^2.

The pooled estimate's confidence interval and test use the normal distribution (metafor's
default ``test="z"``), which the reference tests compare with printed metafor output.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats
from statsmodels.stats.meta_analysis import combine_effects
from statsmodels.stats.nonparametric import rank_compare_2indep

from p3md.stats._checks import DEFAULT_MAX_MISSING_SHARE, drop_incomplete, numeric_frame
from p3md.stats.errors import StatsInputError

#: Our method names -> statsmodels' ``method_re``.
METHODS = {"pm": "iterated", "dl": "dl", "reml": "dl"}
METHOD_NAMES = {"pm": "Paule-Mandel", "dl": "DerSimonian-Laird", "reml": "REML"}
#: Paule-Mandel: iterate to this tolerance on the estimating equation (statsmodels' default
#: 1e-5 leaves tau^2 about 1e-6 from the solution; the reference tests compare at 1e-6).
PM_ATOL = 1e-10
PM_MAXITER = 500

ROLE_EFFECT = "role"  # effect key of the difference between two groups (see role_pairs)
ALL_EFFECTS = "all"  # effect key of an exclusion of a whole district (unreadable table)
#: Why a prediction interval is missing (English; the report's views translate it).
K2_NOTE = "k = 2: the prediction interval uses t with k - 2 = 0 degrees of freedom (undefined)"
FEW_NOTE = "fewer than 2 districts: not pooled"


# -- per-district effects ------------------------------------------------------------------
def _as_numeric(data: pd.DataFrame, columns: list[str], what: str) -> pd.DataFrame:
    """``data[columns]`` as floats (non-numeric cells raise); already-float columns are taken
    as they are, so :func:`district_effects` converts each district's table once, not once per
    effect (the conversion was most of the time with hundreds of districts)."""
    sub = data[columns]
    if all(pd.api.types.is_float_dtype(t) for t in sub.dtypes):
        return sub
    return numeric_frame(sub, what)


def role_pairs(groups: Sequence[str]) -> dict[str, tuple[str, str]]:
    """The group differences a synthesis computes, by effect key: every pair of ``groups``
    in the order given (first minus second). Two groups give one effect, keyed
    :data:`ROLE_EFFECT`; more give ``"role:a|b"`` per pair; fewer than two give none."""
    pairs = list(itertools.combinations(groups, 2))
    if len(pairs) == 1:
        return {ROLE_EFFECT: pairs[0]}
    return {f"{ROLE_EFFECT}:{a}|{b}": (a, b) for a, b in pairs}


def is_role_effect(key: str) -> bool:
    """Whether an effect key is a group difference (:func:`role_pairs`), not an X's rs."""
    return key == ROLE_EFFECT or key.startswith(f"{ROLE_EFFECT}:")


def role_difference(
    data: pd.DataFrame,
    outcome: str,
    role_col: str,
    groups: Sequence[str],
    *,
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> dict[str, float]:
    """Rank-biserial correlation of ``outcome`` between ``groups[0]`` and ``groups[1]``.

    Returns ``estimate`` (r_rb, positive when group 1 tends to score higher), ``se``
    (2 x the Brunner-Munzel standard error of A), ``z`` / ``se_z`` (Fisher-z scale, used for
    pooling), ``n`` and ``n_1``/``n_2``. Raises :class:`StatsInputError` when the effect is
    undefined: a group with fewer than 2 facilitators, a zero variance estimate (e.g. the
    outcome constant within both groups) or complete separation (|r_rb| = 1, infinite z).
    """
    if role_col not in data.columns or outcome not in data.columns:
        raise StatsInputError(f"columns {role_col!r}/{outcome!r} not in the data")
    what = f"{outcome} by {role_col}"
    values = _as_numeric(data, [outcome], what)[outcome]
    frame = drop_incomplete(
        pd.DataFrame({"g": data[role_col], "y": values}), what, max_missing_share
    )
    a = frame.loc[frame["g"] == groups[0], "y"].to_numpy(float)
    b = frame.loc[frame["g"] == groups[1], "y"].to_numpy(float)
    for name, arr in ((groups[0], a), (groups[1], b)):
        if arr.size < 2:
            raise StatsInputError(
                f"{what}: {arr.size} {name} respondent(s); the difference needs at least 2 "
                "in each group"
            )
    if np.ptp(np.concatenate([a, b])) == 0:
        raise StatsInputError(f"{what}: every respondent has the same {outcome}")
    # Complete separation makes statsmodels' test statistic divide by a zero variance; the
    # variance itself is checked below, the statistic is not used.
    with np.errstate(divide="ignore", invalid="ignore"):
        res = rank_compare_2indep(a, b)
    r = 2.0 * float(res.prob1) - 1.0
    se = 2.0 * float(np.sqrt(res.var_prob))
    if not se > 0:
        raise StatsInputError(
            f"{what}: the Brunner-Munzel variance is 0 ({outcome} constant within each group); "
            "the effect has no standard error"
        )
    if abs(r) >= 1.0:
        raise StatsInputError(
            f"{what}: complete separation of {groups[0]} and {groups[1]} (r_rb = {r:+.0f}); "
            "its Fisher z is infinite"
        )
    return {
        "estimate": r,
        "se": se,
        "z": float(np.arctanh(r)),
        "se_z": se / (1.0 - r * r),
        "n": int(a.size + b.size),
        "n_1": int(a.size),
        "n_2": int(b.size),
    }


def spearman_effect(
    data: pd.DataFrame,
    x: str,
    y: str,
    *,
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> dict[str, float]:
    """Spearman's rho of ``x`` with ``y`` with its Fisher z and Bonett-Wright standard error.

    Raises :class:`StatsInputError` for fewer than 4 complete pairs (n - 3 must be positive),
    a constant column, or |rho| = 1 (infinite z).
    """
    missing = [c for c in (x, y) if c not in data.columns]
    if missing:
        raise StatsInputError(f"spearman {x} ~ {y}: columns {missing} not in the data")
    what = f"spearman {x} ~ {y}"
    pair = drop_incomplete(_as_numeric(data, [x, y], what), what, max_missing_share)
    n = len(pair)
    if n < 4:
        raise StatsInputError(f"{what}: {n} complete pairs; the Fisher z SE needs n > 3")
    for col in (x, y):
        if pair[col].nunique() == 1:
            raise StatsInputError(f"{what}: {col} is constant; rho is undefined")
    rho = float(stats.spearmanr(pair[x].to_numpy(), pair[y].to_numpy()).statistic)
    if abs(rho) >= 1.0:
        raise StatsInputError(f"{what}: rho = {rho:+.0f}; its Fisher z is infinite")
    return {
        "estimate": rho,
        "se": float("nan"),  # rho's own SE is not used; pooling is on the z scale
        "z": float(np.arctanh(rho)),
        "se_z": float(np.sqrt((1.0 + rho * rho / 2.0) / (n - 3))),
        "n": int(n),
    }


def district_effects(
    scored: Mapping[str, pd.DataFrame],
    x_vars: Sequence[str],
    y: str,
    *,
    groups: Sequence[str],
    role_col: str = "role",
    max_missing_share: float = DEFAULT_MAX_MISSING_SHARE,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every district's effects, and the districts left out of an effect with the reason.

    ``scored`` maps a district name to its ``facilitators_scored`` table. Returns
    ``(effects, excluded)``: ``effects`` has one row per (district, effect) with columns
    ``district``, ``effect`` (a group difference's key, :func:`role_pairs` of ``groups``, or
    an X variable), ``estimate``, ``se``, ``z``, ``se_z``, ``n`` (and ``n_1``/``n_2`` for a
    group difference); ``excluded`` has ``district``,
    ``effect``, ``reason`` (the :class:`StatsInputError` message).
    """
    rows, excluded = [], []
    for district, table in scored.items():
        try:
            frame = _as_numeric(table, [*x_vars, y], f"{district}: {', '.join([*x_vars, y])}")
        except KeyError as exc:
            reason = f"{district}: column(s) missing from facilitators_scored ({exc})"
            excluded.append({"district": district, "effect": ALL_EFFECTS, "reason": reason})
            continue
        except StatsInputError as exc:
            excluded.append({"district": district, "effect": ALL_EFFECTS, "reason": str(exc)})
            continue
        frame = frame.assign(**{role_col: table[role_col]}) if role_col in table else frame
        jobs = [
            (
                key,
                lambda f=frame, pair=pair: role_difference(
                    f, y, role_col, pair, max_missing_share=max_missing_share
                ),
            )
            for key, pair in role_pairs(groups).items()
        ]
        jobs += [
            (x, lambda f=frame, x=x: spearman_effect(f, x, y, max_missing_share=max_missing_share))
            for x in x_vars
        ]
        for effect, compute in jobs:
            try:
                rows.append({"district": district, "effect": effect, **compute()})
            except StatsInputError as exc:
                excluded.append({"district": district, "effect": effect, "reason": str(exc)})
    columns = ["district", "effect", "estimate", "se", "z", "se_z", "n", "n_1", "n_2"]
    effects = pd.DataFrame(rows).reindex(columns=columns)
    return effects, pd.DataFrame(excluded, columns=["district", "effect", "reason"])


# -- pooling -------------------------------------------------------------------------------
@dataclass(frozen=True)
class MetaResult:
    """One random-effects meta-analysis (on the scale of the effects given)."""

    method: str
    k: int
    estimate: float
    se: float
    ci_low: float
    ci_high: float
    z: float
    p: float
    estimate_fe: float
    se_fe: float
    tau2: float
    i2: float
    q: float
    df: int
    p_q: float
    pi_low: float
    pi_high: float
    pi_note: str
    alpha: float
    weights: np.ndarray = field(repr=False)  # relative random-effects weights, sum 1

    @property
    def tau(self) -> float:
        return float(np.sqrt(self.tau2))

    def as_row(self) -> dict[str, float | int | str]:
        """The summary as a flat dict (no weights)."""
        row = {f: getattr(self, f) for f in self.__dataclass_fields__ if f != "weights"}
        row["tau"] = self.tau
        return row


def _check_inputs(effects: np.ndarray, ses: np.ndarray) -> None:
    if effects.shape != ses.shape or effects.ndim != 1:
        raise StatsInputError(
            "random_effects: effects and standard errors must be 1-D, same length"
        )
    if effects.size < 2:
        raise StatsInputError(
            f"random_effects: {effects.size} effect(s); pooling needs at least 2 districts"
        )
    if not (np.all(np.isfinite(effects)) and np.all(np.isfinite(ses))):
        raise StatsInputError("random_effects: effects and standard errors must be finite")
    if np.any(ses <= 0):
        raise StatsInputError("random_effects: every standard error must be positive")


def random_effects(
    effects: Sequence[float] | np.ndarray,
    ses: Sequence[float] | np.ndarray,
    *,
    method: str = "pm",
    alpha: float = 0.05,
) -> MetaResult:
    """Random-effects pooling of ``effects`` with standard errors ``ses`` (see module doc)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {sorted(METHODS)}, got {method!r}")
    y = np.asarray(effects, dtype=float)
    se = np.asarray(ses, dtype=float)
    _check_inputs(y, se)
    v = se**2
    kwds = {"atol": PM_ATOL, "maxiter": PM_MAXITER} if method == "pm" else {}
    # A negative DL tau^2 (truncated below) makes statsmodels take the square root of a
    # negative HKSJ variance it computes alongside; that value is not used here.
    with np.errstate(invalid="ignore"):
        res = combine_effects(y, v, method_re=METHODS[method], use_t=False, alpha=alpha, **kwds)
    k, df = int(y.size), int(y.size - 1)
    q = float(res.q)
    tau2 = float(res.tau2)
    overshot = False
    if method == "pm" and not _pm_solved(y, v, tau2):
        tau2, overshot = _pm_root(y, v), True
        _check_pm(y, v, tau2, k)
    elif method == "reml":  # statsmodels has no REML: its DL run gives Q and the FE model
        tau2, overshot = _reml_root(y, v), True
    if tau2 <= 0:  # truncated at 0: the random-effects model is the fixed-effect one
        tau2 = 0.0
        mu, mu_se = float(res.mean_effect_fe), float(res.sd_eff_w_fe)
        weights = np.asarray(res.weights_rel_fe, dtype=float)
    elif overshot:  # the inverse-variance pooling statsmodels does, at the solved tau^2
        w = 1.0 / (v + tau2)
        mu, mu_se, weights = float(w @ y / w.sum()), float(1 / np.sqrt(w.sum())), w / w.sum()
    else:
        mu, mu_se = float(res.mean_effect_re), float(res.sd_eff_w_re)
        weights = np.asarray(res.weights_rel_re, dtype=float)
    crit = float(stats.norm.isf(alpha / 2))
    zval = mu / mu_se
    if k >= 3:
        t = float(stats.t.isf(alpha / 2, k - 2))
        half = t * np.sqrt(tau2 + mu_se**2)
        pi_low, pi_high, pi_note = mu - half, mu + half, ""
    else:
        pi_low = pi_high = float("nan")
        pi_note = K2_NOTE
    return MetaResult(
        method=method,
        k=k,
        estimate=mu,
        se=mu_se,
        ci_low=mu - crit * mu_se,
        ci_high=mu + crit * mu_se,
        z=zval,
        p=float(2 * stats.norm.sf(abs(zval))),
        estimate_fe=float(res.mean_effect_fe),
        se_fe=float(res.sd_eff_w_fe),
        tau2=tau2,
        i2=max(0.0, (q - df) / q) if q > 0 else 0.0,
        q=q,
        df=df,
        p_q=float(stats.chi2.sf(q, df)),
        pi_low=float(pi_low),
        pi_high=float(pi_high),
        pi_note=pi_note,
        alpha=alpha,
        weights=weights,
    )


def _pm_root(y: np.ndarray, v: np.ndarray) -> float:
    """The Paule-Mandel tau^2 as the bracketed root of Q_gen(tau^2) = k - 1.

    Why own code: statsmodels' ``_fit_tau_iterative`` takes Newton steps from tau^2 = 0; a step
    can overshoot the root, the estimating equation turns negative and it returns tau^2 = 0
    (seen on the 13 Lampung districts' PLD-PDP effects: Q_gen(0) = 37.98, k - 1 = 12). Q_gen is
    strictly decreasing in tau^2 (DerSimonian & Kacker 2007, Contemp Clin Trials 28:105-114),
    so a bracket always holds the root. Used only when statsmodels' answer fails the check.
    """

    def excess(tau2: float) -> float:
        return _q_gen(y, v, tau2) - (y.size - 1)

    if y.size < 2 or excess(0.0) <= 0:
        return 0.0
    high = max(float(np.var(y)), float(v.max()), 1e-12)
    while excess(high) > 0:
        high *= 2.0
    return float(optimize.brentq(excess, 0.0, high, xtol=1e-14, rtol=1e-15, maxiter=500))


def _reml_score(y: np.ndarray, v: np.ndarray, tau2: float) -> float:
    """Twice the derivative of the restricted log-likelihood of the random-effects model in
    tau^2 (Viechtbauer 2005, J Educ Behav Stat 30:261-293, eq. 11):
    sum w^2 (y - mu)^2 - sum w + sum w^2 / sum w, with w = 1 / (v + tau^2)."""
    w = 1.0 / (v + tau2)
    mu = float(w @ y / w.sum())
    return float((w**2) @ (y - mu) ** 2 - w.sum() + (w**2).sum() / w.sum())


def _reml_root(y: np.ndarray, v: np.ndarray) -> float:
    """The REML tau^2 (metafor's default estimator): the root of the restricted likelihood's
    score, truncated at 0 when the score is not positive at 0 (as metafor does).

    Why own code: statsmodels' ``combine_effects`` offers DL and Paule-Mandel only. The score
    is solved by bracketing (as :func:`_pm_root`) rather than by metafor's Fisher scoring; both
    find the same stationary point, which the tests compare with metafor's printed output.
    """
    if _reml_score(y, v, 0.0) <= 0:
        return 0.0
    high = max(float(np.var(y)), float(v.max()), 1e-12)
    while _reml_score(y, v, high) > 0:
        high *= 2.0
    return float(optimize.brentq(lambda t: _reml_score(y, v, t), 0.0, high, xtol=1e-14, rtol=1e-15))


def _q_gen(y: np.ndarray, v: np.ndarray, tau2: float) -> float:
    """The generalised Q statistic at ``tau2``."""
    w = 1.0 / (v + max(tau2, 0.0))
    mu = float(w @ y / w.sum())
    return float(w @ (y - mu) ** 2)


def _pm_solved(y: np.ndarray, v: np.ndarray, tau2: float) -> bool:
    """Does ``tau2`` solve the Paule-Mandel equation (or is 0 the truncated solution)?"""
    k, q_gen = y.size, _q_gen(y, v, tau2)
    return abs(q_gen - (k - 1)) <= 1e-6 * max(1.0, k - 1) or (tau2 <= 0 and q_gen < k - 1)


def _check_pm(y: np.ndarray, v: np.ndarray, tau2: float, k: int) -> None:
    """Refuse a Paule-Mandel tau^2 that does not solve its estimating equation."""
    q_gen = _q_gen(y, v, tau2)
    if not _pm_solved(y, v, tau2):
        raise StatsInputError(
            f"Paule-Mandel did not converge (generalised Q = {q_gen:.6g} at tau^2 = {tau2:.6g}, "
            f"target {k - 1}); use method='dl' or check the effects"
        )


def back_transform(values: np.ndarray | pd.Series | float):
    """Fisher z -> correlation scale (``tanh``), for display of pooled z values."""
    return np.tanh(values)


def meta_summary(
    effects: pd.DataFrame,
    *,
    method: str = "pm",
    alpha: float = 0.05,
    order: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pool every effect of :func:`district_effects` on the z scale.

    Returns ``(summary, weights)``. ``summary``: one row per effect with the
    :class:`MetaResult` fields on the z scale plus ``r``, ``r_ci_low``, ``r_ci_high``,
    ``r_pi_low``, ``r_pi_high``, ``r_fe`` (back-transformed with tanh). An effect with fewer
    than 2 districts gets ``k`` and ``note`` only. ``weights``: ``district``, ``effect``,
    ``weight`` (relative random-effects weight).
    """
    rows, weights = [], []
    keys = list(order) if order is not None else list(dict.fromkeys(effects["effect"]))
    for effect in keys:
        sub = effects[effects["effect"] == effect]
        if len(sub) < 2:
            rows.append({"effect": effect, "k": len(sub), "note": FEW_NOTE})
            continue
        res = random_effects(sub["z"], sub["se_z"], method=method, alpha=alpha)
        row = {"effect": effect, **res.as_row(), "note": res.pi_note}
        for name, col in (
            ("r", "estimate"),
            ("r_ci_low", "ci_low"),
            ("r_ci_high", "ci_high"),
            ("r_pi_low", "pi_low"),
            ("r_pi_high", "pi_high"),
            ("r_fe", "estimate_fe"),
        ):
            row[name] = float(back_transform(row[col]))
        rows.append(row)
        weights += [
            {"district": d, "effect": effect, "weight": float(w)}
            for d, w in zip(sub["district"], res.weights, strict=True)
        ]
    summary = pd.DataFrame(rows).drop(columns=["pi_note"], errors="ignore")
    return summary, pd.DataFrame(weights, columns=["district", "effect", "weight"])


def estimator_comparison(
    effects: pd.DataFrame,
    *,
    methods: Sequence[str] = ("pm", "reml", "dl"),
    alpha: float = 0.05,
    order: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The pooled effects under each tau^2 estimator (a sensitivity analysis): one row per
    effect (with at least 2 districts) and method: ``effect``, ``method``, ``k``, ``tau2``,
    ``estimate``, ``ci_low``, ``ci_high`` (Fisher-z scale), ``r``, ``r_ci_low``, ``r_ci_high``
    (back-transformed), ``p``."""
    rows = []
    keys = list(order) if order is not None else list(dict.fromkeys(effects["effect"]))
    for effect in keys:
        sub = effects[effects["effect"] == effect]
        if len(sub) < 2:
            continue
        for method in methods:
            res = random_effects(sub["z"], sub["se_z"], method=method, alpha=alpha)
            rows.append(
                {
                    "effect": effect,
                    "method": method,
                    "k": res.k,
                    "tau2": res.tau2,
                    "estimate": res.estimate,
                    "ci_low": res.ci_low,
                    "ci_high": res.ci_high,
                    "r": float(back_transform(res.estimate)),
                    "r_ci_low": float(back_transform(res.ci_low)),
                    "r_ci_high": float(back_transform(res.ci_high)),
                    "p": res.p,
                }
            )
    columns = ["effect", "method", "k", "tau2", "estimate", "ci_low", "ci_high", "r"]
    # the columns even when no effect has 2 districts (a run with one district pools nothing)
    return pd.DataFrame(rows, columns=[*columns, "r_ci_low", "r_ci_high", "p"])
