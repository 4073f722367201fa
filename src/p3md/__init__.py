"""p3md: the reproducible compendium of *Kinerja Pendamping Desa dalam P3MD di Kabupaten
Pesawaran* (Yulistiani, 2023) and the Wioi village training study.

Sub-packages, one job each:

- ``codebook``       the instrument and study design as data (``data/codebook.yaml``), validated
- ``io``             reading raw files (CSV/xlsx variants), label normalisation, pseudonymisation
- ``reconstruction`` the seeded generator of the reconstructed raw data
- ``scoring``        cleaning and scoring raw answers with the codebook
- ``stats``          the study's statistics (sampling, instrument tests, classes, tests, audit)
- ``reporting``      numbered tables and figures with Indonesian captions
- ``pipeline``       papermill stages, great-expectations gates, cache, manifest, atomic runs
- ``site``           rendering the ``_quarto.yml`` site (Quarto or the smalldocs fallback)
"""

from pathlib import Path

__version__ = "0.1.0"

#: Repository root when running from a checkout (src layout).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
