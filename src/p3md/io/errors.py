"""The one error type for bad raw data, shared by the readers and the pipeline gates.

A student who hands in a spreadsheet must be able to fix it from the message alone, so every
error names the file, the column, the rows (as they see them in a spreadsheet program), the
offending values, the rule that was broken and what to do about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: How many rows / values are spelled out in the message before "and N more".
_SHOWN = 8


def _shorten(values: Sequence[Any], shown: int = _SHOWN) -> str:
    head = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in values[:shown])
    rest = len(values) - shown
    return head + (f" and {rest} more" if rest > 0 else "")


class RawDataError(Exception):
    """A raw data file breaks a structural or value rule.

    Attributes:
        file: file name (or path) as the user knows it, e.g. ``facilitators.csv``.
        column: the offending column, or ``None`` when the problem is the file as a whole.
        rows: 1-based row numbers **as shown in a spreadsheet program**: the header is row 1,
            so the first data row is row 2. For ``.xlsx`` input they are the sheet's row numbers.
            Empty when the problem is not tied to rows.
        values: the offending values (the same order as ``rows`` when both are given).
        rule: the rule that was broken, in words.
        fix: what the user should do.
    """

    def __init__(
        self,
        file: str,
        column: str | None = None,
        rows: Sequence[int] | None = None,
        values: Sequence[Any] | None = None,
        rule: str = "",
        fix: str = "",
    ) -> None:
        self.file = str(file)
        self.column = column
        self.rows = [int(r) for r in (rows or [])]
        self.values = list(values or [])
        self.rule = rule
        self.fix = fix
        super().__init__(self._message())

    def _message(self) -> str:
        # One paragraph on purpose: it is printed in notebooks, logs and the gates' JSON, and a
        # multi-line message gets cut at the first line break by several of those.
        parts = [f"Problem in file {self.file}"]
        if self.column is not None:
            parts[0] += f", column {self.column!r}"
        if self.rows:
            noun = "row" if len(self.rows) == 1 else "rows"
            parts.append(f"{noun} {_shorten(self.rows)} (header = row 1)")
        if self.values:
            parts.append(f"offending value(s) {_shorten(self.values)}")
        text = "; ".join(parts) + "."
        if self.rule:
            text += f" Rule: {self.rule.rstrip('.')}."
        if self.fix:
            text += f" Fix: {self.fix.rstrip('.')}."
        return text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable copy (values are converted to str/int/float/None)."""

        def plain(v: Any) -> Any:
            if v is None or isinstance(v, (bool, int, float, str)):
                return v
            try:  # numpy scalars
                return v.item()
            except AttributeError:
                return str(v)

        return {
            "error": type(self).__name__,
            "file": self.file,
            "column": self.column,
            "rows": list(self.rows),
            "values": [plain(v) for v in self.values],
            "rule": self.rule,
            "fix": self.fix,
            "message": str(self),
        }

    def __reduce__(self) -> tuple[Any, ...]:
        # Keeps the error picklable (papermill / multiprocessing pass exceptions around).
        return (type(self), (self.file, self.column, self.rows, self.values, self.rule, self.fix))
