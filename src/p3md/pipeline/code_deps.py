"""Which ``p3md`` modules a stage notebook runs: its imports, followed through the package.

A stage's cache key covers the source of exactly these modules (:mod:`p3md.pipeline.hashing`),
so editing ``site/``, ``cli.py``, ``bench/`` or a statistic the stage does not import reruns
nothing, and editing ``stats/hypothesis.py`` reruns the stages that import it (and, through
their keys, what depends on them).

Why own code: :mod:`modulefinder` executes nothing but follows every third-party import too
(pandas, scipy: seconds per notebook), and it does not read notebooks. Here ``ast`` reads the
``import`` statements of the notebook's code cells and of each ``p3md`` module, anywhere in the
module (an import inside a function runs when the function does), resolves relative imports,
and adds the packages a module lives in (importing ``p3md.stats.hypothesis`` runs
``p3md/__init__.py`` and ``p3md/stats/__init__.py``). ``from p3md.reporting import text``
names the module ``p3md.reporting.text`` when it exists. Imports by computed names
(``importlib.import_module(name)``) are not seen; no stage notebook's code path uses them.
A cell or module that does not parse makes the stage depend on the whole package.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

PACKAGE = "p3md"
#: IPython syntax that is not Python (magics, shell escapes, help): blanked before parsing.
_IPYTHON_LINE = re.compile(r"^\s*([%!?]|.*\?\s*$)")
#: Every module of the package (a cell or module that does not parse).
EVERYTHING = "*"


def package_root() -> Path:
    """The folder of the ``p3md`` package (``src/p3md``)."""
    import p3md

    return Path(p3md.__file__).resolve().parent


#: The fields of a statement that hold statements (an import is a statement, so it sits in one).
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def _statements(body: list[ast.stmt]) -> Iterable[ast.AST]:
    """Every statement in ``body``, nested ones too (functions, classes, branches, ``try``,
    ``with``, ``match``), but not the expressions: ``ast.walk`` visits all of a module's nodes,
    about ten times as many, and was half of a cold run's 2 s of reading the package."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        for name in _BLOCKS:
            inner = getattr(node, name, None)
            if isinstance(inner, list):
                stack.extend(inner)


class ModuleGraph:
    """The import graph of the ``p3md`` package, read lazily and once per module.

    ``known`` is what the last good run recorded (:meth:`record`: package-relative path ->
    ``{"sha256", "imports"}``): a module whose content is unchanged is not parsed again, which
    keeps the no-op run fast.
    """

    def __init__(self, root: Path | None = None, known: dict[str, Any] | None = None) -> None:
        self.root = Path(root) if root is not None else package_root()
        self._imports: dict[str, set[str]] = {}
        self._sha: dict[Path, str] = {}
        self._data: dict[Path, dict[str, Path]] = {}
        self._files: dict[str, Path | None] = {}
        self._notebooks: dict[str, list[str]] = {}
        self._known = known or {}

    def sha(self, file: Path) -> str:
        if file not in self._sha:
            self._sha[file] = hashlib.sha256(file.read_bytes()).hexdigest()
        return self._sha[file]

    def record(self) -> dict[str, Any]:
        """Every module read so far: its content hash and its ``p3md`` imports."""
        out: dict[str, Any] = {}
        for module, found in sorted(self._imports.items()):
            file = self.file_of(module)
            if file is not None:
                rel = file.relative_to(self.root).as_posix()
                out[rel] = {"sha256": self.sha(file), "imports": sorted(found)}
        for sha, found_in_notebook in self._notebooks.items():
            out[f"notebook:{sha}"] = {"imports": found_in_notebook}
        return out

    # -- names and files ------------------------------------------------------------------
    def file_of(self, module: str) -> Path | None:
        """``p3md.stats.hypothesis`` -> ``src/p3md/stats/hypothesis.py`` (or a package's
        ``__init__.py``); ``None`` when it is not a module of the package."""
        if module not in self._files:
            parts = module.split(".")
            found: Path | None = None
            if parts[0] == PACKAGE:
                base = self.root.joinpath(*parts[1:])
                if (base / "__init__.py").is_file():
                    found = base / "__init__.py"
                elif len(parts) > 1 and base.with_suffix(".py").is_file():
                    found = base.with_suffix(".py")
            self._files[module] = found
        return self._files[module]

    def is_package(self, module: str) -> bool:
        file = self.file_of(module)
        return file is not None and file.name == "__init__.py"

    # -- imports --------------------------------------------------------------------------
    def imports_of(self, module: str) -> set[str]:
        """The ``p3md`` modules ``module``'s source imports (directly)."""
        if module not in self._imports:
            file = self.file_of(module)
            if file is not None:
                seen = self._known.get(file.relative_to(self.root).as_posix()) or {}
                if seen.get("sha256") == self.sha(file) and isinstance(seen.get("imports"), list):
                    self._imports[module] = set(seen["imports"])
                    return self._imports[module]
            try:
                tree = ast.parse(file.read_bytes()) if file is not None else None
            except SyntaxError:
                tree = None
            if tree is None:
                self._imports[module] = {EVERYTHING} if file is not None else set()
            else:
                package = module if self.is_package(module) else module.rpartition(".")[0]
                self._imports[module] = self._names(tree, package)
        return self._imports[module]

    def _names(self, tree: ast.Module, package: str) -> set[str]:
        found: set[str] = set()
        for node in _statements(tree.body):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.split(".")[0] == PACKAGE}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, *([base] if base else [])])
                if base.split(".")[0] != PACKAGE:
                    continue
                found.add(base)
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    if self.file_of(sub) is not None:
                        found.add(sub)
        return {m for m in found if self.file_of(m) is not None}

    def closure(self, modules: Iterable[str]) -> set[str]:
        """``modules``, what they import (transitively), and the packages they live in."""
        todo = list(modules)
        seen: set[str] = set()
        while todo:
            module = todo.pop()
            if module in seen:
                continue
            if module == EVERYTHING:
                return {EVERYTHING}
            seen.add(module)
            parts = module.split(".")
            todo += [".".join(parts[:i]) for i in range(1, len(parts))]
            todo += sorted(self.imports_of(module))
        return seen

    def files(self, modules: Iterable[str]) -> dict[str, Path]:
        """Package-relative POSIX path -> file of every module in ``modules`` (all of the
        package's ``.py`` files for :data:`EVERYTHING`)."""
        mods = set(modules)
        if EVERYTHING in mods:
            return {
                p.relative_to(self.root).as_posix(): p
                for p in sorted(self.root.rglob("*.py"))
                if "__pycache__" not in p.parts
            }
        out: dict[str, Path] = {}
        for m in sorted(mods):
            file = self.file_of(m)
            if file is not None:
                out[file.relative_to(self.root).as_posix()] = file
            if file is not None and file.name == "__init__.py":
                out.update(self._data_files(file.parent))
        return dict(sorted(out.items()))

    def _data_files(self, package: Path) -> dict[str, Path]:
        """A package's data files (templates, styles): every non-Python file in its folder and
        in sub-folders that are not packages of their own (read once per package)."""
        if package not in self._data:
            out: dict[str, Path] = {}
            for folder, dirs, names in os.walk(package):
                here = Path(folder)
                dirs[:] = sorted(
                    d
                    for d in dirs
                    if d != "__pycache__" and not (here / d / "__init__.py").is_file()
                )
                for name in sorted(names):
                    if not name.endswith((".py", ".pyc")):
                        out[(here / name).relative_to(self.root).as_posix()] = here / name
            self._data[package] = out
        return self._data[package]


def notebook_sources(notebook: Path) -> list[str]:
    """The code of a stage notebook: its code cells (``.ipynb``) or the whole percent script."""
    text = Path(notebook).read_text(encoding="utf-8")
    if Path(notebook).suffix == ".py":
        return [text]
    cells = json.loads(text).get("cells", [])
    out = []
    for cell in cells:
        if cell.get("cell_type") == "code":
            src = cell.get("source", "")
            out.append("".join(src) if isinstance(src, list) else src)
    return out


def notebook_imports(notebook: Path, graph: ModuleGraph) -> set[str]:
    """The ``p3md`` modules the notebook's code imports (directly); remembered by the
    notebook's content hash in the graph's record."""
    sha = graph.sha(Path(notebook))
    seen = graph._known.get(f"notebook:{sha}") or {}
    if isinstance(seen.get("imports"), list):
        graph._notebooks[sha] = list(seen["imports"])
        return set(seen["imports"])
    found: set[str] = set()
    for src in notebook_sources(notebook):
        clean = "\n".join("" if _IPYTHON_LINE.match(line) else line for line in src.splitlines())
        try:
            tree = ast.parse(clean)
        except SyntaxError:
            found = {EVERYTHING}
            break
        found |= graph._names(tree, PACKAGE)
    graph._notebooks[sha] = sorted(found)
    return found


def stage_code(notebook: Path, graph: ModuleGraph) -> dict[str, str]:
    """Package-relative path -> SHA-256 of every ``p3md`` module a stage notebook runs."""
    if not Path(notebook).is_file():
        return {}
    files = graph.files(graph.closure(notebook_imports(notebook, graph)))
    return {rel: graph.sha(file) for rel, file in files.items()}


def modules_code(modules: Iterable[str], graph: ModuleGraph) -> dict[str, str]:
    """Package-relative path -> SHA-256 of ``modules`` and everything they import."""
    files = graph.files(graph.closure(modules))
    return {rel: graph.sha(file) for rel, file in files.items()}
