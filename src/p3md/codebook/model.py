"""Typed model of ``data/codebook.yaml``.

pydantic validates the structure on load; the cross-field rules that pydantic cannot express
alone (categories partition the score range, positions are contiguous, references resolve) are
model validators here, so a codebook edited by a student fails at load with a precise message
instead of producing a wrong table later.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Role = str
ResponseType = Literal["options", "count", "km"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Band(_Strict):
    """A value not above ``upto`` (``None`` = unbounded) scores ``score``."""

    upto: float | None
    score: int = Field(ge=0)


class Category(_Strict):
    min: int
    max: int
    label: str


class Response(_Strict):
    type: ResponseType
    scale: str | None = None
    unit: str | None = None
    plausible_max: float | None = None
    bands: dict[str, list[Band]] | None = None
    ref: str | None = None


class Item(_Strict):
    id: str
    variable: str
    position: int = Field(ge=1)
    y_position: int | None = None
    roles: list[Role]
    rater: str
    response: Response
    text: str
    #: The question as worded for one role, where it differs from ``text`` (role -> text).
    text_by_role: dict[str, str] | None = None
    reverse: bool = False
    #: May be left empty (e.g. the 2nd/3rd distance of a facilitator serving fewer villages).
    optional: bool = False
    deviation: str | None = None
    printed: dict[str, str] | None = None


class Subscale(_Strict):
    items: list[str]
    bands: list[Band]
    printed: str | None = None


class Variable(_Strict):
    name_id: str
    name_en: str
    source: str
    group: Literal["X", "Y"]
    rater: str
    scoring: Literal["single", "sum", "subscale_bands", "band_of_mean", "sum_of_indicators"]
    categories: list[Category]
    in_instrument_test: bool
    subscales: dict[str, Subscale] | None = None
    indicators: list[str] | None = None
    deviation: str | None = None

    @model_validator(mode="after")
    def _categories_partition(self) -> Variable:
        spans = sorted((c.min, c.max) for c in self.categories)
        for lo, hi in spans:
            if lo > hi:
                raise ValueError(f"category {lo}-{hi} of {self.name_en} is empty")
        for (_, hi), (lo, _) in zip(spans, spans[1:], strict=False):
            if lo != hi + 1:
                raise ValueError(
                    f"categories of {self.name_en} must partition the score range without "
                    f"gaps or overlaps; found ...{hi} then {lo}..."
                )
        return self

    @property
    def score_range(self) -> tuple[int, int]:
        return min(c.min for c in self.categories), max(c.max for c in self.categories)


class RoleDef(_Strict):
    name_id: str
    variants: list[str]


class StatusDef(_Strict):
    rank: int
    variants: list[str]


class ColumnSpec(_Strict):
    type: Literal["string", "integer", "number"]
    #: The question as asked on a form (Indonesian): the data-entry template's header comment
    #: and what ``p3md map`` matches a form export's header against.
    text: str | None = None
    #: Answer labels of an ``allowed`` code (``0: "Tidak"``), for drop-downs and form answers.
    labels: dict[Any, str] | None = None
    pattern: str | None = None
    allowed: list[Any] | None = None
    allowed_from: str | None = None
    min: float | None = None
    max: float | None = None
    max_from: str | None = None


class QuestionColumns(_Strict):
    prefix: str
    count_from: str
    allowed: list[int]
    #: Question text with ``{n}`` for the question's number (see ``ColumnSpec.text``).
    text: str | None = None
    labels: dict[int, str] | None = None


class FileSpec(_Strict):
    path: str
    description_id: str
    key: list[str]
    columns: dict[str, ColumnSpec]
    item_columns: list[str] = Field(default_factory=list)
    question_columns: QuestionColumns | None = None
    references: dict[str, str] = Field(default_factory=dict)
    expected_rows: int | None = None
    #: Fewer rows than this is an error (the statistics need them); ``expected_rows`` only warns.
    min_rows: int | None = None
    min_rows_note: str | None = None
    #: Every item column must take at least two values (a constant item has no variance).
    items_must_vary: bool = False


class Meta(_Strict):
    """The study the codebook describes: what the report's title page, captions and PDF name say."""

    title_id: str
    title_en: str
    author: str
    institution: str
    year: int
    codebook_version: str = "1.0.0"
    #: The PDF's file name without ``.pdf`` (letters, digits, ``-`` and ``_``).
    pdf_name: str = Field("laporan", pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
    #: Who answers the characteristics questionnaire, in the report's words
    #: (``{"id": "pendamping", "en": "facilitators"}``).
    respondents: dict[str, str] = Field(
        default_factory=lambda: {"id": "responden", "en": "respondents"}
    )
    #: What the roles (groups) are called (``{"id": "peran", "en": "role"}``).
    group_word: dict[str, str] = Field(default_factory=lambda: {"id": "kelompok", "en": "group"})


class MissingData(_Strict):
    """How missing answers are handled: one setting for the input check and the statistics.

    ``complete_items_required``: a total needs every item of its variable; an analysis drops
    incomplete rows listwise (per analysis, as SPSS does by default) and is refused when more
    than ``max_missing_share`` of its rows are incomplete. ``make report --set
    max_missing_share=...`` overrides the share for one run.
    """

    rule: Literal["complete_items_required"] = "complete_items_required"
    max_missing_share: float = Field(0.05, ge=0, lt=1)
    description_id: str | None = None
    description_en: str | None = None


class Analysis(_Strict):
    """Which hypotheses the study tests, declared once (every field defaults from the variables).

    - ``outcome``: the overall outcome, summarised per group (default: the composite
      ``sum_of_indicators`` variable, else the last Y variable);
    - ``correlations``: Spearman of every ``x`` with every ``y``, pooled and within each group
      (default: all X with the outcome);
    - ``group_differences``: outcomes compared across the groups (roles) (default: all Y);
    - ``status_differences``: outcomes compared across village statuses within each group, on
      the village ratings (default: all Y; ``[]`` skips the status analysis).
    """

    outcome: str | None = None
    correlations: dict[str, list[str]] | None = None  # {x: [...], y: [...]}
    group_differences: list[str] | None = None
    status_differences: list[str] | None = None


class Codebook(BaseModel):
    """The validated codebook, with look-ups used by every stage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    meta: Meta
    roles: dict[str, RoleDef]
    statuses: dict[str, StatusDef]
    raters: dict[str, str]
    official_positions: list[str]
    scales: dict[str, dict[int, str]]
    variables: dict[str, Variable]
    items: list[Item]
    bands: dict[str, dict[str, Any]]
    rater_aggregation: dict[str, str]
    missing_data: MissingData
    design: dict[str, Any]
    alpha: dict[str, float]
    reliability_threshold: float
    reliability_threshold_note: str
    #: Descriptive classes: a number of equal-width classes on each variable's theoretical
    #: range (thesis Chapter III C.2), or ``categories`` (each variable's own category cut-offs).
    interval_classes: int | Literal["categories"] = 3
    #: The Wioi training study (the thesis's companion article); absent for other studies.
    wioi: dict[str, Any] = Field(default_factory=dict)
    personal_fields: list[str]
    files: dict[str, FileSpec]
    deviations: list[dict[str, Any]] = Field(default_factory=list)  # {where, what: {id, en}}
    #: The roles (groups) in the tables' column order (default: as declared under ``roles:``).
    role_order: list[str] | None = None
    analysis: Analysis = Field(default_factory=Analysis)

    # -- validation across sections ---------------------------------------------------
    @model_validator(mode="after")
    def _cross_references(self) -> Codebook:
        for name, options in self.scales.items():
            _check_scale(name, options)
        ids = [i.id for i in self.items]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            raise ValueError(
                f"items: the ids {duplicated} are used more than once; give every item its own id"
            )
        for item in self.items:
            if item.variable not in self.variables:
                raise ValueError(
                    f"items.{item.id}: variable {item.variable!r} is not declared under "
                    f"variables: (declared: {', '.join(self.variables)})"
                )
            unknown_roles = set(item.roles) - set(self.roles)
            if unknown_roles:
                raise ValueError(
                    f"items.{item.id}: roles {sorted(unknown_roles)} are not declared under "
                    f"roles: (declared: {', '.join(self.roles)})"
                )
            r = item.response
            if r.type == "options" and r.scale not in self.scales:
                raise ValueError(
                    f"items.{item.id}: scale {r.scale!r} is not declared under scales: "
                    f"(declared: {', '.join(self.scales)})"
                )
            if r.type in ("count", "km"):
                for role in item.roles:
                    self.bands_for(item.id, role)  # raises if missing
            unknown_text = set(item.text_by_role or {}) - set(item.roles)
            if unknown_text:
                raise ValueError(
                    f"items.{item.id}: text_by_role names {sorted(unknown_text)}, which do not "
                    f"answer this item (its roles: {item.roles})"
                )
        for var_id, var in self.variables.items():
            if var.scoring == "sum_of_indicators":
                missing = set(var.indicators or []) - set(self.variables)
                if missing:
                    raise ValueError(
                        f"variables.{var_id}: indicators {sorted(missing)} are not declared "
                        "under variables:"
                    )
                continue
            for role in self.roles:
                positions = sorted(i.position for i in self.items_for(var_id, role))
                if positions != list(range(1, len(positions) + 1)):
                    raise ValueError(
                        f"variables.{var_id}: the items {role} answers must have positions "
                        f"1..n without gaps, got {positions}; renumber their position: fields"
                    )
        for var_id, var in self.variables.items():
            self._check_categories(var_id, var)
        if self.role_order is not None and sorted(self.role_order) != sorted(self.roles):
            raise ValueError(
                f"role_order: {self.role_order} must list each role once "
                f"(roles: {', '.join(self.roles)})"
            )
        self._check_analysis()
        if isinstance(self.interval_classes, int):
            if self.interval_classes < 2:
                raise ValueError(
                    f"interval_classes: {self.interval_classes} class is no classification; "
                    "write 2 or more, or `categories`"
                )
            for var_id, var in self.variables.items():
                if len(var.categories) != self.interval_classes:
                    raise ValueError(
                        f"interval_classes is {self.interval_classes} but variables.{var_id} has "
                        f"{len(var.categories)} categories (each class is named by a category); "
                        f"give every variable {self.interval_classes} categories, or write "
                        "`interval_classes: categories` to use each variable's own category "
                        "cut-offs as its classes"
                    )
        return self

    def _check_analysis(self) -> None:
        a = self.analysis
        named = {"outcome": [a.outcome] if a.outcome else []}
        named["correlations"] = [v for vs in (a.correlations or {}).values() for v in vs]
        named["group_differences"] = a.group_differences or []
        named["status_differences"] = a.status_differences or []
        for key, names in named.items():
            unknown = sorted(set(names) - set(self.variables))
            if unknown:
                raise ValueError(
                    f"analysis.{key}: {unknown} are not declared under variables: "
                    f"(declared: {', '.join(self.variables)})"
                )
        if a.correlations is not None and set(a.correlations) != {"x", "y"}:
            raise ValueError(
                "analysis.correlations: write {x: [characteristics], y: [outcomes]}, e.g. "
                "{x: [X1, X2], y: [Y]}"
            )

    def _check_categories(self, var_id: str, var: Variable) -> None:
        """The categories must partition the variable's theoretical score range exactly."""
        lo, hi = var.score_range
        for role in self.roles:
            if var.scoring != "sum_of_indicators" and not self.items_for(var_id, role):
                continue
            tlo, thi = self.theoretical_range(var_id, role)
            if (lo, hi) != (tlo, thi):
                n = len(self.items_for(var_id, role))
                raise ValueError(
                    f"variables.{var_id} ({var.name_en}): the categories span {lo}-{hi}, but "
                    f"its {n} item(s) for {role} give totals from {tlo} to {thi} "
                    f"({self._range_reason(var_id, role)}). Change the categories' min/max so "
                    f"that together they run from {tlo} to {thi} without gaps, for example "
                    f"{_suggest(tlo, thi, len(var.categories))}"
                )

    def _range_reason(self, var_id: str, role: str) -> str:
        var = self.variables[var_id]
        if var.scoring == "sum_of_indicators":
            return "the sum of " + ", ".join(var.indicators or [])
        if var.scoring == "subscale_bands":
            return f"{len(var.subscales or {})} subscales, each banded"
        if var.scoring == "band_of_mean":
            return "the band of the mean distance"
        parts = []
        for item in self.items_for(var_id, role):
            ilo, ihi = self.item_score_range(item.id, role)
            parts.append(f"{item.id} {ilo}-{ihi}")
        return "item scores " + ", ".join(parts)

    # -- scales and ranges ----------------------------------------------------------------
    def scale_range(self, scale: str) -> tuple[int, int]:
        """Lowest and highest code of an options scale (codes run from 0 or 1 upward)."""
        codes = self.scales[scale]
        return min(codes), max(codes)

    def item_score_range(self, item_id: str, role: str) -> tuple[int, int]:
        """Lowest and highest score an item can give a respondent of ``role``."""
        item = self.item(item_id)
        if item.response.type == "options":
            return self.scale_range(item.response.scale or "")
        scores = [b.score for b in self.bands_for(item_id, role)]
        return min(scores), max(scores)

    def theoretical_range(self, variable: str, role: str | None = None) -> tuple[int, int]:
        """Lowest and highest possible total of ``variable`` (for ``role``; default: the
        widest over the roles), from its items' scales and bands and its scoring rule."""
        var = self.variables[variable]
        if role is None:
            spans = [
                self.theoretical_range(variable, r)
                for r in self.roles
                if var.scoring == "sum_of_indicators" or self.items_for(variable, r)
            ]
            return min(s[0] for s in spans), max(s[1] for s in spans)
        if var.scoring == "sum_of_indicators":
            parts = [self.theoretical_range(v, role) for v in var.indicators or []]
            return sum(p[0] for p in parts), sum(p[1] for p in parts)
        items = self.items_for(variable, role)
        if var.scoring == "subscale_bands":
            parts = [
                (min(b.score for b in sub.bands), max(b.score for b in sub.bands))
                for sub in (var.subscales or {}).values()
            ]
            return sum(p[0] for p in parts), sum(p[1] for p in parts)
        if var.scoring == "band_of_mean":
            scores = [b.score for b in self.bands_for(items[0].id, role)]
            return min(scores), max(scores)
        parts = [self.item_score_range(i.id, role) for i in items]
        return sum(p[0] for p in parts), sum(p[1] for p in parts)

    def score_of_code(self, item_id: str, code: float) -> float:
        """Score of an options item's raw code: the code, or ``(min + max) - code`` for a
        reverse-keyed item (on a 1-5 scale 1 -> 5, 2 -> 4, ...; on 0-3, 0 -> 3)."""
        item = self.item(item_id)
        lo, hi = self.scale_range(item.response.scale or "")
        return (lo + hi) - code if item.reverse else code

    def option_scores(self, items: list[str]) -> list[int]:
        """Every score the listed items can take, highest first (modal-answer table columns)."""
        scores: set[int] = set()
        for item_id in items:
            item = self.item(item_id)
            for role in item.roles:
                lo, hi = self.item_score_range(item_id, role)
                scores.update(range(lo, hi + 1))
        return sorted(scores, reverse=True)

    def score_labels(self, items: list[str]) -> dict[int, str] | None:
        """Score -> label shared by all the listed items (one options scale), else ``None``."""
        names = {self.item(i).response.scale for i in items}
        kinds = {self.item(i).response.type for i in items}
        if kinds != {"options"} or len(names) != 1:
            return None
        return dict(self.scales[next(iter(names)) or ""])

    # -- look-ups -----------------------------------------------------------------------
    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"no item {item_id!r} in the codebook")

    def items_for(self, variable: str, role: str | None = None) -> list[Item]:
        """Items of ``variable`` (a composite expands to its indicators), optionally for a role."""
        var = self.variables[variable]
        if var.scoring == "sum_of_indicators":
            return [i for v in var.indicators or [] for i in self.items_for(v, role)]
        chosen = [i for i in self.items if i.variable == variable]
        if role is not None:
            chosen = [i for i in chosen if role in i.roles]
        return sorted(chosen, key=lambda i: (i.position, i.id))

    def columns_for(self, variables: list[str]) -> list[str]:
        """Raw item columns of the listed variables, in codebook order (all roles)."""
        seen: list[str] = []
        for var in variables:
            for item in self.items:
                if item.variable == var and item.id not in seen:
                    seen.append(item.id)
        return seen

    def bands_for(self, item_id: str, role: str) -> list[Band]:
        item = self.item(item_id)
        response = item.response
        if response.ref:
            raw = self.bands[response.ref]
            table = raw.get(role) or raw.get("all")
            if table is None:
                raise ValueError(f"bands {response.ref} have no entry for role {role}")
            return [Band(**b) for b in table]
        if not response.bands:
            raise ValueError(f"item {item_id} has no bands")
        table = response.bands.get(role) or response.bands.get("all")
        if table is None:
            raise ValueError(f"item {item_id} has no bands for role {role}")
        return table

    def option_labels(self, item_id: str) -> dict[int, str]:
        """Raw answer code -> printed label of an ``options`` item. The scale maps scores to
        labels; a reverse-keyed item stores the questionnaire's code, scored
        ``(min + max) - code``: its code ``c`` carries the label of that score (``ko05`` on
        1-3: 1 Tidak pernah, 2 Pernah, 3 Sering)."""
        item = self.item(item_id)
        if item.response.type != "options":
            raise ValueError(f"item {item_id} is not an options item")
        scale = self.scales[item.response.scale or ""]
        if not item.reverse:
            return dict(sorted(scale.items()))
        lo, hi = min(scale), max(scale)
        return dict(sorted((lo + hi - score, label) for score, label in scale.items()))

    def item_text(self, item_id: str, role: str | None = None) -> str:
        """The question as worded for ``role`` (``text_by_role``), else the item's ``text``."""
        item = self.item(item_id)
        return (item.text_by_role or {}).get(role or "", item.text)

    def plausible_max(self, item_id: str) -> float | None:
        response = self.item(item_id).response
        if response.ref:
            return self.bands[response.ref].get("plausible_max")
        return response.plausible_max

    def category(self, variable: str, total: float | None) -> str | None:
        """Category label of an integer total (``None``/NaN stays ``None``)."""
        if total is None or (isinstance(total, float) and math.isnan(total)):
            return None
        for cat in self.variables[variable].categories:
            if cat.min <= total <= cat.max:
                return cat.label
        lo, hi = self.variables[variable].score_range
        raise ValueError(f"{variable} total {total} is outside its score range {lo}-{hi}")

    def resolve(self, dotted: str) -> Any:
        """Value at a dotted path such as ``wioi.case_study_max`` or ``design.kecamatan``."""
        node: Any = self
        for part in dotted.split("."):
            node = getattr(node, part) if isinstance(node, BaseModel) else node[part]
        return node

    def allowed_values(self, dotted: str) -> list[str]:
        """Canonical values named by an ``allowed_from`` reference."""
        node = self.resolve(dotted)
        if isinstance(node, dict):
            return list(node)
        if node and isinstance(node[0], dict):
            return [entry["name"] for entry in node]
        return list(node)

    @property
    def max_missing_share(self) -> float:
        """Share of incomplete rows an analysis accepts (``missing_data.max_missing_share``)."""
        return self.missing_data.max_missing_share

    def with_max_missing_share(self, share: float) -> Codebook:
        """The codebook with another accepted share of incomplete rows (``--set``)."""
        if share == self.missing_data.max_missing_share:
            return self
        missing = self.missing_data.model_copy(update={"max_missing_share": share})
        return self.model_copy(update={"missing_data": missing})

    @property
    def district(self) -> str:
        """The study area's name as the report prints it (``design.district``)."""
        return str(self.design.get("district", ""))

    @property
    def groups(self) -> list[str]:
        """Roles (groups) in the tables' column order (``role_order``, else as declared)."""
        return list(self.role_order or self.roles)

    def variables_of(self, group: str) -> list[str]:
        """Variables of group ``X`` or ``Y`` in codebook order."""
        return [v for v, d in self.variables.items() if d.group == group]

    @property
    def outcome(self) -> str:
        """The overall outcome (``analysis.outcome``, else the composite, else the last Y)."""
        if self.analysis.outcome:
            return self.analysis.outcome
        ys = self.variables_of("Y")
        composites = [v for v in ys if self.variables[v].scoring == "sum_of_indicators"]
        return (composites or ys)[-1]

    @property
    def correlation_pairs(self) -> tuple[list[str], list[str]]:
        """(x variables, y variables) of the Spearman hypotheses."""
        c = self.analysis.correlations
        if c is None:
            return self.variables_of("X"), [self.outcome]
        return list(c["x"]), list(c["y"])

    @property
    def group_outcomes(self) -> list[str]:
        """Outcomes compared across the groups."""
        chosen = self.analysis.group_differences
        return self.variables_of("Y") if chosen is None else list(chosen)

    @property
    def status_outcomes(self) -> list[str]:
        """Outcomes compared across village statuses (empty: no status analysis)."""
        chosen = self.analysis.status_differences
        return self.variables_of("Y") if chosen is None else list(chosen)

    @property
    def kecamatan(self) -> list[str]:
        return [k["name"] for k in self.design["kecamatan"]]

    @property
    def status_order(self) -> list[str]:
        """Village statuses from most to least developed (the thesis's table order)."""
        return sorted(self.statuses, key=lambda s: -self.statuses[s].rank)


def _check_scale(name: str, options: dict[int, str]) -> None:
    """An options scale: k >= 2 ordered codes, consecutive, starting at 0 or 1."""
    codes = sorted(options)
    fix = (
        "write the options as consecutive whole-number codes starting at 0 or 1, highest "
        "= best, e.g. {1: Sangat tidak setuju, 2: Tidak setuju, 3: Netral, 4: Setuju, "
        "5: Sangat setuju}"
    )
    if not all(isinstance(c, int) and not isinstance(c, bool) for c in codes):
        raise ValueError(f"scales.{name}: codes {codes} are not whole numbers; {fix}")
    if len(codes) < 2:
        raise ValueError(f"scales.{name}: needs at least 2 options, has {len(codes)}; {fix}")
    if codes[0] not in (0, 1) or codes != list(range(codes[0], codes[0] + len(codes))):
        raise ValueError(f"scales.{name}: codes {codes} do not run 0..k or 1..k; {fix}")


def _suggest(lo: int, hi: int, k: int) -> str:
    """Equal-width categories over ``lo..hi`` as a codebook line (the fix in a message): the
    same integer classes as :func:`p3md.stats.intervals.interval_classes` (width (hi - lo) / k,
    a score on a boundary in the upper class)."""
    k = max(1, min(k, hi - lo))
    width = (hi - lo) / k
    starts = [lo + math.ceil(round(j * width, 9)) for j in range(k)]
    ends = [s - 1 for s in starts[1:]] + [hi]
    pairs = reversed(list(zip(starts, ends, strict=True)))
    cats = ", ".join(f"{{min: {a}, max: {b}, label: ...}}" for a, b in pairs)
    return f"categories: [{cats}]"


# -- plain text -----------------------------------------------------------------------------

#: Characters no text of a codebook holds: the C0 and C1 controls and DEL, except tab and
#: line feed. YAML turns every line break of the file into a line feed, so a carriage return,
#: a NUL or an escape character in a value comes only from an escape written on purpose
#: (``"\r"``) or from a pasted binary, never from typed text; a carriage return once split the
#: tidy CSV's rows, and spreadsheets read one at a cell's start as a formula's. Refused, not
#: cleaned: the codebook is the study's own text, and a silent edit would make a label differ
#: between the codebook and the report. (Answers in the data may hold a CR: a form export's
#: multi-line answer; :mod:`p3md.io.table` keeps them.)
CONTROL_CHARACTERS = frozenset(chr(c) for c in [*range(32), *range(127, 160)]) - {"\t", "\n"}
#: Keys whose text is shown on one line (a table's cell or header, a caption, the title): a
#: line feed is refused there too. Longer texts (question texts, descriptions, notes) may be
#: written as YAML blocks (``|``), which keep their line breaks.
ONE_LINE_KEYS = frozenset(
    {"label", "name", "name_id", "name_en", "title_id", "title_en", "author", "institution"}
)


def _codes(text: str, chars: frozenset[str]) -> str:
    return ", ".join(sorted({f"0x{ord(c):02x}" for c in text if c in chars}))


def text_problems(data: Any) -> list[tuple[str, str, str]]:
    """Every text holding a control character (or a line break where the text is shown on one
    line) as ``(path, rule, fix)``, with the file's own path (``variables.X4.categories[0].label``).
    Checked on the raw data, before the schema (the codebook, a district's ``design.yaml``)."""
    problems: list[tuple[str, str, str]] = []

    def walk(node: Any, path: str, one_line: bool) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                sub = f"{path}.{key}" if path else str(key)
                # a scale's options ({1: Rendah, ...}) are labels too
                walk(value, sub, one_line or key in ONE_LINE_KEYS or path == "scales")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{path}[{i}]", one_line)
        elif isinstance(node, str):
            if CONTROL_CHARACTERS & set(node):
                problems.append(
                    (
                        path,
                        f"the text holds a control character ({_codes(node, CONTROL_CHARACTERS)}"
                        + ("; 0x0d is a carriage return" if "\r" in node else "")
                        + "), which no typed text holds: YAML writes "
                        'every line break as a line feed, so it comes from an escape such as "\\r"'
                        " or a pasted file, and it breaks the rows of the tidy CSV files",
                        "retype the text without it (remove the escape)",
                    )
                )
            elif one_line and "\n" in node:
                problems.append(
                    (
                        path,
                        "the text holds a line break, but it is shown on one line (a table "
                        "cell, a header, a caption)",
                        "write it on one line (a YAML block `|` or `>` ends with a line break: "
                        "use one quoted line, or `>-`)",
                    )
                )

    walk(data, "", False)
    return problems
