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
    score: int = Field(ge=1, le=3)


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
    text_pdp: str | None = None
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


class Codebook(BaseModel):
    """The validated codebook, with look-ups used by every stage."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    meta: dict[str, Any]
    roles: dict[str, RoleDef]
    statuses: dict[str, StatusDef]
    raters: dict[str, str]
    official_positions: list[str]
    scales: dict[str, dict[int, str]]
    variables: dict[str, Variable]
    items: list[Item]
    bands: dict[str, dict[str, Any]]
    rater_aggregation: dict[str, str]
    missing_data: dict[str, Any]
    design: dict[str, Any]
    alpha: dict[str, float]
    reliability_threshold: float
    reliability_threshold_note: str
    interval_classes: int
    wioi: dict[str, Any]
    personal_fields: list[str]
    files: dict[str, FileSpec]
    deviations: list[dict[str, Any]]  # {where, what: {id, en}}

    # -- validation across sections ---------------------------------------------------
    @model_validator(mode="after")
    def _cross_references(self) -> Codebook:
        ids = [i.id for i in self.items]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            raise ValueError(f"duplicated item ids: {duplicated}")
        for item in self.items:
            if item.variable not in self.variables:
                raise ValueError(f"item {item.id} names unknown variable {item.variable}")
            unknown_roles = set(item.roles) - set(self.roles)
            if unknown_roles:
                raise ValueError(f"item {item.id} names unknown roles {sorted(unknown_roles)}")
            r = item.response
            if r.type == "options" and r.scale not in self.scales:
                raise ValueError(f"item {item.id} uses unknown scale {r.scale!r}")
            if r.type in ("count", "km"):
                for role in item.roles:
                    self.bands_for(item.id, role)  # raises if missing
        for var_id, var in self.variables.items():
            if var.scoring == "sum_of_indicators":
                missing = set(var.indicators or []) - set(self.variables)
                if missing:
                    raise ValueError(f"{var_id} sums unknown indicators {sorted(missing)}")
                continue
            for role in self.roles:
                positions = sorted(i.position for i in self.items_for(var_id, role))
                if positions != list(range(1, len(positions) + 1)):
                    raise ValueError(
                        f"{var_id} items for {role} must be numbered 1..n, got {positions}"
                    )
                lo, hi = var.score_range
                n = len(positions)
                if var.scoring == "sum" and (lo, hi) != (n, 3 * n):
                    raise ValueError(
                        f"{var_id} categories span {lo}-{hi} but {n} items of 1-3 span "
                        f"{n}-{3 * n} for {role}"
                    )
        for var_id, var in self.variables.items():
            if var.scoring == "sum_of_indicators":
                lo = sum(self.variables[v].score_range[0] for v in var.indicators or [])
                hi = sum(self.variables[v].score_range[1] for v in var.indicators or [])
                if (lo, hi) != var.score_range:
                    raise ValueError(f"{var_id} categories must span {lo}-{hi}")
        return self

    # -- look-ups -----------------------------------------------------------------------
    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"no item {item_id!r} in the codebook")

    def items_for(self, variable: str, role: str | None = None) -> list[Item]:
        """Items of ``variable`` (a Y composite expands to its indicators), optionally for one role."""
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
        """Raw answer code -> printed label of an ``options`` item. A reverse-keyed item
        stores the questionnaire's code, scored ``4 - code``: its code ``c`` carries the label
        of score ``4 - c`` (``ko05``: 1 Tidak pernah, 2 Pernah, 3 Sering)."""
        item = self.item(item_id)
        if item.response.type != "options":
            raise ValueError(f"item {item_id} is not an options item")
        scale = self.scales[item.response.scale or ""]
        if not item.reverse:
            return dict(sorted(scale.items()))
        return dict(sorted((4 - score, label) for score, label in scale.items()))

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
    def kecamatan(self) -> list[str]:
        return [k["name"] for k in self.design["kecamatan"]]

    @property
    def status_order(self) -> list[str]:
        """Village statuses from most to least developed (the thesis's table order)."""
        return sorted(self.statuses, key=lambda s: -self.statuses[s].rank)
