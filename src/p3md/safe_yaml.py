"""The one loader for the YAML files of a data folder (``design.yaml``, ``mapping.yaml``).

A data folder comes from a student or a district office, so its YAML is read as untrusted
input: PyYAML's safe loader (plain values only: a ``!!python/object`` or any other tag that
would build an object is refused), a size limit, and a limit on how far anchors and aliases
expand. The safe loader does not expand an alias when it loads (it shares the object), but
everything that walks the result afterwards does (pydantic's validation, ``json.dumps`` of the
manifest), so a "billion laughs" document of a few hundred bytes would hang the run there;
its expanded size is counted from the parser's events before anything is built.

A key written twice in one mapping is refused too (:class:`DuplicateKeyError`): YAML's loaders
keep the last value silently, so a second ``district:`` or a pasted block would change the study
without a word. The codebook and ``published.yaml`` are read with the same loader
(:func:`unique_key_loader`).

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


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A key written twice in the same mapping; ``key``, ``line`` and ``first_line`` (1-based)."""

    def __init__(self, key: Any, mark: Any, first_mark: Any) -> None:
        self.key, self.line, self.first_line = key, mark.line + 1, first_mark.line + 1
        problem = f"found duplicate key {shown_key(key)} (first on line {self.first_line})"
        super().__init__(None, None, problem, mark)

    def rule(self) -> str:
        return (
            f"the key {shown_key(self.key)} is written twice in the same mapping (here and on "
            f"line {self.first_line}); YAML would keep only the last value without a word"
        )

    def fix(self) -> str:
        return (
            f"keep one {shown_key(self.key)} there: delete the other, or merge the two values "
            "into one entry"
        )


def shown_key(key: Any, limit: int = 60) -> str:
    """A key as a message shows it: quoted, cut at ``limit`` characters."""
    text = str(key)
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


class _UniqueKeys:
    """A constructor mixin refusing a key written twice in one mapping. PyYAML has no option
    for it (yaml/pyyaml#41), hence this override. The keys a merge (``<<: *anchor``) brings in
    may be overridden, as YAML intends: only the mapping's own keys are compared."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(
                    key_node, yaml.ScalarNode
                ):
                    continue
                key = self.construct_object(key_node)  # type: ignore[attr-defined]
                try:
                    first = seen.setdefault(key, key_node.start_mark)
                except TypeError:  # an unhashable key: the base constructor refuses it
                    continue
                if first is not key_node.start_mark:
                    raise DuplicateKeyError(key, key_node.start_mark, first)
        return super().construct_mapping(node, deep=deep)  # type: ignore[misc]


_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_UNIQUE = type("UniqueKeySafeLoader", (_UniqueKeys, _BASE), {})


def unique_key_loader() -> type:
    """PyYAML's safe loader (its C parser when present) that refuses duplicate keys."""
    return _UNIQUE


def _loader() -> type:
    return _UNIQUE


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
    except DuplicateKeyError as exc:
        raise DataFileError(
            name, f"line {exc.line}, key {shown_key(exc.key)}", rule=exc.rule(), fix=exc.fix()
        ) from None
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
