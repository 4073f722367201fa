"""The schema of a district's ``design.yaml``: every key it may hold, and nothing else.

A ``design.yaml`` comes with a data folder, so it is checked key by key (pydantic,
``extra="forbid"`` at every level): an unknown or misspelt key is refused with its path, not
passed on to the stages (an unchecked ``sampling:`` once carried a "billion laughs" alias
bomb into the run). Its keys replace the codebook's ``design:`` keys of the same name.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from p3md.codebook.model import text_problems
from p3md.safe_yaml import DataFileError, load_data_yaml

DESIGN_FILE = "design.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class Sampling(_Strict):
    population_villages: int | None = Field(default=None, gt=0)
    error_margin: float | None = Field(default=None, gt=0, lt=1)
    formula: str | None = None
    sample_rounding: str | None = None
    allocation: str | None = None
    allocation_rounding: str | None = None
    allocation_rounding_note: str | None = None


class Kecamatan(BaseModel):
    """One kecamatan: its name, its villages and one count per role (the roles' keys of the
    codebook, checked against it when the design is merged)."""

    model_config = ConfigDict(extra="allow")

    name: str
    villages: int = Field(ge=0)

    @field_validator("name")
    @classmethod
    def _named(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("the name is empty")
        return v

    def role_counts(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class DesignFile(_Strict):
    district: str | None = None
    province: str | None = None
    survey_period: str | None = None
    kecamatan: list[Kecamatan] | None = None
    status_counts: dict[str, int] | None = None
    sampled_status: dict[str, int] | None = None
    sampling: Sampling | None = None
    expected_rows: dict[str, int] | None = None
    compare_published: bool | None = None
    officials_per_village: int | None = Field(default=None, ge=0)
    experts: int | None = Field(default=None, ge=0)
    pilot_respondents: int | None = Field(default=None, ge=0)


#: Keys of a district's ``design.yaml`` (``expected_rows`` overrides ``files.<key>.expected_rows``).
DESIGN_KEYS = tuple(DesignFile.model_fields)


def _where(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc)


def read_design(path: Any, roles: list[str]) -> dict[str, Any]:
    """``design.yaml`` as plain data (only the keys it sets), validated; a
    :class:`DataFileError` naming the key, the rule and the fix otherwise."""
    data = load_data_yaml(path, fix="correct the indentation or quoting (see data/README.md)")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DataFileError(
            DESIGN_FILE,
            rule="the file must be a mapping of design keys (district:, kecamatan:, ...)",
            fix=f"write one `key: value` per line; allowed keys: {', '.join(DESIGN_KEYS)}",
        )
    for where, rule, fix in text_problems(data)[:1]:  # the codebook's rule for plain text
        raise DataFileError(DESIGN_FILE, f"key {where!r}", rule=rule, fix=fix)
    try:
        design = DesignFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _where(first["loc"])
        if first["type"] == "extra_forbidden":
            parent = first["loc"][:-1]
            allowed = _allowed(parent)
            raise DataFileError(
                DESIGN_FILE,
                f"key {where!r}",
                rule=f"unknown key {str(first['loc'][-1])!r}"
                + (f" under {_where(parent)}" if parent else "")
                + f"; allowed are {', '.join(allowed)}",
                fix="remove the key or correct its spelling",
            ) from None
        raise DataFileError(
            DESIGN_FILE,
            f"key {where!r}",
            rule=f"{first['msg']} (found {_shown(first.get('input'))})",
            fix="correct the value (see data/README.md for the design keys)",
        ) from None
    for i, kec in enumerate(design.kecamatan or []):
        for role, count in kec.role_counts().items():
            if role not in roles:
                raise DataFileError(
                    DESIGN_FILE,
                    f"key 'kecamatan.{i}.{role}'",
                    rule=f"unknown key {role!r} in kecamatan {kec.name!r}; allowed are name, "
                    f"villages and the roles {', '.join(roles)}",
                    fix="remove the key or correct its spelling",
                )
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                raise DataFileError(
                    DESIGN_FILE,
                    f"key 'kecamatan.{i}.{role}'",
                    rule=f"the count of {role} in kecamatan {kec.name!r} must be a whole "
                    f"number of 0 or more (found {_shown(count)})",
                    fix="correct the value",
                )
    return {k: data[k] for k in data}


def _allowed(parent: tuple[Any, ...]) -> list[str]:
    if parent and parent[0] == "sampling":
        return list(Sampling.model_fields)
    return list(DESIGN_KEYS)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
