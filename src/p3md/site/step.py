"""The site as a step of a run: its own key, and the render the runner calls before the swap.

The pipeline does not import the site (it sits a floor below it). The command line builds a
:class:`SiteStep` and hands it to :func:`p3md.pipeline.runner.run_pipeline`, which calls
:meth:`SiteStep.key` to decide whether the last good site can be kept and :meth:`SiteStep.render`
on the staging folder otherwise, so the new site is swapped in with the run's results.

The key covers what the site is built from: every stage's key (its tables, figures and
notebooks), the hand-written pages, ``_quarto.yml``, ``stages.yaml`` (the chapter list), the
bibliography, the files carried into the run (``bench.json``), the site's own code (the
modules :mod:`p3md.site.render` imports, found by :mod:`p3md.pipeline.code_deps`), the renderer
asked for and whether Quarto is on ``PATH``, and whether the PDF is made. Editing a stage's
statistics re-renders the site; editing the site's code reruns no stage.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

# CARRIED_FILES: run files no stage makes that the site shows (``make bench``'s measurements),
# the runner's list, which carries them from run to run
from p3md.pipeline.runner import CARRIED_FILES

#: Project files the site is built from (besides ``pages/``).
SOURCE_FILES = ("_quarto.yml", "stages.yaml", "references.bib", "apa.csl")
#: What :func:`p3md.site.render_site` writes into a run folder besides ``site/``: kept with a
#: reused site so that ``quarto render reports/`` still rebuilds it after a no-op run. The
#: benchmark page's figure is drawn at render time (``bench_page.FIGURE_LABEL``, a test keeps
#: them equal).
PROJECT_FILES = (
    "_quarto.yml",
    "index.qmd",
    "references.bib",
    "apa.csl",
    "pages",
    "_generated",
    "downloads",
    "figures/fig-kinerja-skala.png",
    "figures/fig-kinerja-skala.svg",
)


@dataclass(frozen=True)
class SiteStep:
    """Render a run folder's site (and the book's PDF) with :func:`p3md.site.render_site`.

    ``renderer``: ``"quarto"``, ``"smalldocs"`` or ``None`` (Quarto when on ``PATH``);
    ``pdf``: also make the book's PDF (a district's site of a multi-district run is HTML only).
    """

    renderer: str | None = None
    pdf: bool = True
    project_files: tuple[str, ...] = PROJECT_FILES

    def html_only(self) -> SiteStep:
        return replace(self, pdf=False)

    def for_district(self) -> SiteStep:
        """A district's site in a multi-district run: HTML only (its PDF, Typst, costs more
        than its analysis) and rendered by smalldocs unless a renderer was asked for
        (``renderer`` or ``$P3MD_RENDERER``). With Quarto on PATH, Quarto took minutes per
        district site on 2 cores (13 districts: 29 min against 2 min with smalldocs); the book
        of the top-level run keeps Quarto."""
        chosen = self.renderer or os.environ.get("P3MD_RENDERER") or "smalldocs"
        return replace(self, pdf=False, renderer=chosen)

    def key(
        self,
        project_root: Path,
        run_dir: Path,
        stage_keys: Mapping[str, str],
        code_cache: dict[str, Any] | None = None,
    ) -> str:
        """The site's key for ``run_dir``. ``code_cache``: the run's record of the package's
        import graph (read to avoid parsing unchanged modules, and updated)."""
        from p3md.pipeline.code_deps import ModuleGraph, modules_code
        from p3md.pipeline.hashing import sha256_file, sha256_json, tree_hash

        root = Path(project_root)
        parts: dict[str, Any] = {f"stage:{k}": v for k, v in sorted(stage_keys.items())}
        graph = ModuleGraph(known=code_cache)
        parts["code"] = modules_code(["p3md.site.render", "p3md.site.step"], graph)
        if code_cache is not None:
            code_cache.update(graph.record())
        if (root / "pages").is_dir():
            parts["pages"] = tree_hash(root / "pages", (".qmd", ".md", ".yml", ".yaml", ".bib"))
        for name in SOURCE_FILES:
            if (root / name).is_file():
                parts[name] = sha256_file(root / name)
        for name in CARRIED_FILES:
            if (Path(run_dir) / name).is_file():
                parts[name] = sha256_file(Path(run_dir) / name)
        parts["renderer"] = [
            self.renderer,
            os.environ.get("P3MD_RENDERER"),
            shutil.which("quarto") is not None,
        ]
        parts["pdf"] = self.pdf
        return sha256_json(parts)

    def render(self, project_root: Path, run_dir: Path) -> Any:
        """Render ``run_dir``'s site into ``run_dir/site``; returns the
        :class:`p3md.site.render.RenderResult`."""
        from p3md.site.render import render_site

        return render_site(project_root, run_dir, renderer=self.renderer, pdf=self.pdf)
