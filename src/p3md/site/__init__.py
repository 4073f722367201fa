"""The report website: render ``_quarto.yml`` with Quarto, else with smalldocs.

Entry point: ``render_site(project_dir, run_dir) -> RenderResult(renderer, site_dir, seconds,
warnings)``, called by the pipeline after all stages and gates passed.

Render folder
-------------
The book is rendered inside the run folder (``reports/`` or the pipeline's staging folder), so
every path in ``_quarto.yml`` is relative to the run folder::

    <run>/_quarto.yml, references.bib, apa.csl   copied from the project
    <run>/index.qmd                              copied from pages/index.qmd (Quarto requires
                                                 index.qmd beside _quarto.yml)
    <run>/pages/*.qmd                            copied from pages/
    <run>/_generated/*.qmd                       written from the run: title-page facts, gates,
                                                 manifest, codebook tables, data dictionary,
                                                 benchmark (bench.json, see bench_page);
                                                 included as {{< include /_generated/x.qmd >}}
    <run>/notebooks/NN_*.ipynb                   the pipeline's executed notebooks (chapters)
    <run>/tables/, figures/, derived/            the pipeline's outputs (figures/ also gets the
                                                 benchmark's fig-kinerja-skala, see bench_figure)
    <run>/downloads/                             raw data files and the codebook (copied here)
    <run>/site/                                  the website (project output-dir)

Afterwards the run folder is a complete Quarto project: ``quarto render reports/`` rebuilds
the same site. Generated parts are never written into the source ``pages/``.

Renderers
---------
- ``quarto`` (when on PATH, or ``P3MD_RENDERER=quarto``): ``quarto render --to html``, of the
  chapters whose sources changed since the last render (:mod:`p3md.site.quarto_book`); the
  PDF is made from its pages like smalldocs' (:mod:`p3md.site.pdf`). Quarto resolves
  cross-references and citations itself; :mod:`p3md.site.offline` then removes the CDN widget
  loader Quarto adds to notebook pages with HTML outputs.
- ``smalldocs`` (fallback, pure Python): the same ``_quarto.yml``, with the appendices added to
  the sidebar for that build only. smalldocs does not resolve ``@tbl-``/``@fig-``
  cross-references or ``[@key]`` citations and writes no bibliography, so
  :mod:`p3md.site.postprocess` does it on the HTML; it does not fold notebook code nor speak
  ``lang``, so :mod:`p3md.site.smalldocs_ui` folds the code and puts the ``language:`` words of
  ``_quarto.yml`` in its interface. The PDF is then made by :mod:`p3md.site.pdf` from these
  pages (pandoc + Typst). It cannot do: Quarto's chapter-numbered section headings on the
  site, ``{{< embed >}}``, citeproc formatting beyond the APA-like subset in :mod:`p3md.site.bib`.

For both, every table float gets a CSV download link and every figure PNG/SVG links; each
chapter links its executed notebook ("Buku catatan"); every page links the PDF ("Unduh PDF");
the data-dictionary appendix links the raw files, derived tables and the codebook.
"""

from typing import Any

__all__ = ["RenderResult", "SiteStep", "choose_renderer", "render_site"]


def __getattr__(name: str) -> Any:
    # Imported when asked for: the command line builds a SiteStep on every run, and a run with
    # nothing to do must not pay for the renderer's imports.
    if name in ("RenderResult", "choose_renderer", "render_site"):
        from p3md.site import render

        return getattr(render, name)
    if name == "SiteStep":
        from p3md.site.step import SiteStep

        return SiteStep
    raise AttributeError(name)
