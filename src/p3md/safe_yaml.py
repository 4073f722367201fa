"""The one loader for the YAML files of a data folder (``design.yaml``, ``mapping.yaml``).

A data folder comes from a student or a district office, so its YAML is read as untrusted
input: PyYAML's safe loader (plain values only: a ``!!python/object`` or any other tag that
would build an object is refused), a size limit, and a limit on how far anchors and aliases
expand. The safe loader does not expand an alias when it loads (it shares the object), but
everything that walks the result afterwards does (pydantic's validation, ``json.dumps`` of the
manifest), so a "billion laughs" document of a few hundred bytes would hang the run there;
its expanded size is counted from the parser's events before anything is built.

Every problem is one :class:`DataFileError`: a one-paragraph message with the file, the line,
the rule and the fix, never a traceback. It lives at the bottom of the package (it imports
nothing of ``p3md``) because both the codebook (``design.yaml``) and the readers
(``mapping.yaml``) use it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

#: A data folder's YAML is a few kilobytes; a megabyte is a mistake or an attack.
MAX_BYTES = 1_000_000
#: Nodes after every alias is expanded (the thesis's design.yaml has about 80).
MAX_NODES = 100_000


class DataFileError(ValueError):
    """A YAML file of a data folder that cannot be used; ``str()`` is the message to show."""

    def __init__(self, file: str, where: str | None = None, rule: str = "", fix: str = "") -> None:
        self.file, self.where, self.rule, self.fix = str(file), where, rule, fix
        text = f"Problem in file {self.file}"
        if where:
            text += f", {where}"
        text += "."
        if rule:
            text += f" Rule: {rule.rstrip('.')}."
        if fix:
            text += f" Fix: {fix.rstrip('.')}."
        super().__init__(text)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.file, self.where, self.rule, self.fix))


def _loader() -> type:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _line(exc: yaml.YAMLError) -> str | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return f"line {mark.line + 1}" if mark is not None else None


def expanded_nodes(text: str, limit: int = MAX_NODES) -> int:
    """How many nodes ``text`` holds once every alias is expanded, counted from the parser's
    events (nothing is built); stops counting past ``limit``."""
    sizes: dict[str, int] = {}  # anchor -> expanded size of its node
    stack: list[tuple[str | None, int]] = []  # open collections: (anchor, count at start)
    total = 0
    for event in yaml.parse(text, Loader=_loader()):
        if isinstance(event, yaml.AliasEvent):
            total += sizes.get(event.anchor, 1)
        elif isinstance(event, yaml.ScalarEvent):
            total += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.CollectionStartEvent):
            stack.append((event.anchor, total))
            total += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, start = stack.pop()
            if anchor:
                sizes[anchor] = total - start
        if total > limit:
            break
    return total


def load_data_yaml(
    path: str | Path, *, fix: str, max_bytes: int = MAX_BYTES, max_nodes: int = MAX_NODES
) -> Any:
    """The YAML file ``path`` of a data folder as plain data, or a :class:`DataFileError`;
    ``fix`` is what to tell the user when the file is not valid YAML."""
    path = Path(path)
    name = path.name
    size = path.stat().st_size
    if size > max_bytes:
        raise DataFileError(
            name,
            rule=f"the file has {size:,} bytes; a data folder's YAML file is read up to "
            f"{max_bytes:,} bytes",
            fix="keep only the settings in it (data belongs in the CSV/XLSX files)",
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise DataFileError(
            name, rule="the file is not UTF-8 text", fix="save it again as UTF-8"
        ) from None
    try:
        if expanded_nodes(text, max_nodes) > max_nodes:
            raise DataFileError(
                name,
                rule=f"its anchors and aliases (&name, *name) expand to more than "
                f"{max_nodes:,} values (a 'billion laughs' document)",
                fix="write the values out without nested aliases",
            )
        return yaml.load(text, Loader=_loader())  # noqa: S506 - a safe loader, C or Python
    except yaml.constructor.ConstructorError as exc:
        found = re.search(r"tag '([^']*)'", str(getattr(exc, "problem", "") or ""))
        tag = found.group(1).replace("tag:yaml.org,2002:", "!!") if found else ""
        raise DataFileError(
            name,
            _line(exc),
            rule=f"the YAML tag {tag or '(unknown)'} is not allowed: a data folder's YAML "
            "holds plain values (text, numbers, lists, mappings), never objects",
            fix="remove the tag (the text starting with !!) and write the plain value",
        ) from None
    except yaml.YAMLError as exc:
        problem = str(getattr(exc, "problem", "") or "not valid YAML")
        raise DataFileError(
            name, _line(exc), rule=f"the file is not valid YAML ({problem})", fix=fix
        ) from None
