"""Column tables of data/README.md, generated from the codebook so they cannot drift.

``python -m p3md.reconstruction.datasheet`` rewrites the part of data/README.md between the
``<!-- columns:begin -->`` and ``<!-- columns:end -->`` markers.
"""

from __future__ import annotations

import sys
from pathlib import Path

from p3md import PROJECT_ROOT
from p3md.codebook import Codebook, Item, load_codebook
from p3md.io.schema import file_schema

BEGIN, END = "<!-- columns:begin -->", "<!-- columns:end -->"


def _item_allowed(cb: Codebook, item: Item) -> str:
    r = item.response
    if r.type == "options":
        codes = cb.scales[r.scale or ""]
        shown = ", ".join(f"{k} {v}" for k, v in sorted(codes.items(), key=lambda kv: -kv[0]))
        return f"code 1-3 ({'reverse: score = 4 - code; ' if item.reverse else ''}{shown})"
    unit = r.unit or "km"
    bands = []
    for role in item.roles:
        b = cb.bands_for(item.id, role)
        txt = "; ".join(
            f"<={x.upto:g}->{x.score}" if x.upto is not None else f"else->{x.score}" for x in b
        )
        bands.append(f"{role}: {txt}" if len(item.roles) > 1 else txt)
    uniq = sorted(set(bands))
    shown = (
        uniq[0].split(": ", 1)[1]
        if len(uniq) == 2 and uniq[0].split(": ", 1)[1] == uniq[1].split(": ", 1)[1]
        else " / ".join(uniq)
    )
    return f"{r.type} ({unit}), >= 0; bands {shown}"


def render_columns(cb: Codebook) -> str:
    """Markdown: one table per raw file with column, type, allowed values and meaning."""
    out = []
    for key, spec in cb.files.items():
        schema = file_schema(cb, key)
        out.append(
            f"### `{spec.path}` ({key})\n\n{spec.description_id}. Key: "
            f"{', '.join(spec.key)}"
            + (f"; expected rows: {spec.expected_rows}" if spec.expected_rows else "")
            + ".\n"
        )
        out.append("| column | type | allowed values | meaning |\n|---|---|---|---|")
        for col, kind in schema.columns.items():
            if col in spec.columns:
                c = spec.columns[col]
                allowed = (
                    f"pattern `{c.pattern}`"
                    if c.pattern
                    else ", ".join(map(str, c.allowed))
                    if c.allowed
                    else ", ".join(cb.allowed_values(c.allowed_from))
                    if c.allowed_from
                    else ""
                )
                if c.min is not None or c.max_from:
                    hi = cb.resolve(c.max_from) if c.max_from else c.max
                    allowed = f"{c.min:g}-{hi}"
                meaning = {"sampled": "1 = village in the survey sample"}.get(
                    col, col.replace("_", " ")
                )
                if c.allowed_from in ("roles", "statuses"):
                    allowed += " (label variants accepted, see codebook)"
            elif key == "wioi_tests":
                allowed, meaning = "0, 1", "multiple-choice question answered correctly"
            else:
                item = cb.item(col)
                allowed = _item_allowed(cb, item)
                roles = (
                    ""
                    if set(item.roles) == set(cb.roles)
                    else f" [{'/'.join(item.roles)} only; empty otherwise]"
                )
                meaning = f"{item.variable}.{item.position}: {item.text}{roles}"
            out.append(f"| `{col}` | {kind} | {allowed} | {meaning} |")
        out.append("")
    return "\n".join(out)


def update_readme(
    path: Path = PROJECT_ROOT / "data" / "README.md", cb: Codebook | None = None
) -> None:
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    table = render_columns(cb or load_codebook())
    path.write_text(f"{head}{BEGIN}\n{table}\n{END}{tail}", encoding="utf-8")


if __name__ == "__main__":
    update_readme(Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT / "data" / "README.md")
