"""Display views: turn the frames of ``p3md.stats`` / ``p3md.scoring`` into the report's tables.

Only selection, ordering, renaming to Indonesian headers and totals rows; no statistic is
computed here (the numbers come in computed). Each function returns ``(table, flags)`` or a
table, ready for :func:`p3md.reporting.save_table`.

One module per stage (``sampling``, ``scoring``, ``instrument``, ``descriptive``,
``hypotheses``, ``wioi``, ``reproduction``) and ``common`` for what they share; the package
re-exports every view, so notebooks call ``views.spearman_view(...)``.
"""

from __future__ import annotations

from p3md.reporting.views.common import (
    empty_flags,
    flagged_rows,
    methods,
    no_column,
    rename,
    variable_labels,
)
from p3md.reporting.views.descriptive import (
    band_classes,
    category_labels_low_to_high,
    class_view,
    long_distribution,
    median_class_label,
    modes_view,
)
from p3md.reporting.views.hypotheses import (
    adjusted_view,
    difference_view,
    dunn_view,
    kruskal_view,
    mean_rank_view,
    spearman_view,
    status_category_view,
    status_pooled_view,
    test_families,
)
from p3md.reporting.views.instrument import (
    instrument_columns,
    item_matrix,
    item_total_view,
    reliability_frame,
    reliability_view,
    validity_frame,
    validity_view,
)
from p3md.reporting.views.reproduction import (
    audit_summary,
    audit_view,
    conclusion_view,
    reproduction_view,
)
from p3md.reporting.views.sampling import (
    counts_by,
    sampled_per_stratum,
    sampling_view,
)
from p3md.reporting.views.scoring import (
    category_counts,
    modes_table,
)
from p3md.reporting.views.wioi import (
    PHASE_ID,
    aspect_view,
    ngain_view,
    paired_view,
    prepost_describe_view,
    prepost_pass,
    prepost_wide,
    satisfaction_view,
    shapiro_frame,
    shapiro_view,
)

__all__ = [
    "PHASE_ID",
    "adjusted_view",
    "aspect_view",
    "audit_summary",
    "audit_view",
    "category_counts",
    "band_classes",
    "category_labels_low_to_high",
    "class_view",
    "conclusion_view",
    "counts_by",
    "difference_view",
    "dunn_view",
    "empty_flags",
    "flagged_rows",
    "instrument_columns",
    "item_matrix",
    "item_total_view",
    "kruskal_view",
    "long_distribution",
    "mean_rank_view",
    "median_class_label",
    "methods",
    "modes_table",
    "modes_view",
    "ngain_view",
    "no_column",
    "paired_view",
    "prepost_describe_view",
    "prepost_pass",
    "prepost_wide",
    "reliability_frame",
    "reliability_view",
    "rename",
    "reproduction_view",
    "sampled_per_stratum",
    "sampling_view",
    "satisfaction_view",
    "shapiro_frame",
    "shapiro_view",
    "spearman_view",
    "status_category_view",
    "status_pooled_view",
    "test_families",
    "validity_frame",
    "validity_view",
    "variable_labels",
]
