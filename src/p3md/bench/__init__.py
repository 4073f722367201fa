"""``make bench`` / ``python -m p3md.bench``: how fast is the pipeline, and where does the time go?

One invocation measures, repeating each measurement (``--repeats``, default 3; ``--quick`` = 1):

- **cold**: the full pipeline (gates, notebooks, site with its PDF and Word copy) into a fresh
  output folder, so the stage cache is empty (the environment is ready: venv and kernel
  installed), without Quarto on PATH (every ``PATH`` folder holding ``quarto`` left out: the
  site by smalldocs, the PDF by pandoc and Typst). Broken down per stage into kernel start-up
  (stage wall - sum of papermill's per-cell durations), imports (the notebook's import cell),
  computation (the other cells), gates (the manifest's gate seconds) and, for the run, the
  site rendering, of which the PDF and the Word copy.
- **no-op**: the same output folder again, nothing changed.
- **edit**: one stage's notebook edited in a temporary *copy* of ``notebooks/`` (the project's
  notebooks are never touched); records from the run's manifest which stages re-executed and
  which were taken from the cache (exactly that stage and its downstream stages must rerun).
- **quarto**: cold, no-op and edit again with Quarto on PATH (the book and its PDF by Quarto);
  target: the edit costs at most 3x the edit without Quarto. Without Quarto on PATH the part
  says "not measured: quarto not on PATH" and runs nothing.
- **naive**: the same notebooks the obvious way: the papermill CLI once per notebook, in
  sequence, each in its own process, and every gate (one raw file or one output CSV) in its own
  process, then the site; reported as a ratio against the pipeline's cold run.
- **scale**: the reconstruction generated at x10, x100, x1000 (``--scales``) and the pipeline run
  on each; wall time and peak memory per stage (PSS of the runner, the kernel server and the
  kernels, sampled by a psutil thread, :func:`process_memory`), and a least-squares growth
  exponent of time against n (facilitators) per stage.
- **districts** and **districts-quarto**: the multi-district runs (:mod:`.districts`): marginal
  worker-seconds per district; N districts without and with Quarto on PATH (target 1.5x).
- **setup** (``--setup``): ``make setup`` in a fresh ``git clone`` of the repository.
- **tests** (only with ``--only tests``: minutes): ``make test-fast`` and ``make test`` timed
  (:mod:`.suite`, which says why a timed run rather than pytest's durations).

Results go to ``reports/bench.json`` (``--json`` to change) with medians, min/max and IQR and
the machine's facts; a summary with PASS/MISS against the targets is printed. Then the report
in ``reports/`` is re-rendered (as ``python -m p3md report`` does; stages skipped), so that the
site's appendix *Kinerja komputasi* shows the measurements (``--no-render`` to skip).

Every pipeline run happens in a child process (``python -m p3md.bench _run ...``, which calls
:func:`p3md.pipeline.runner.run_pipeline` like ``python -m p3md report`` does), so its memory
can be sampled as a process tree and nothing is cached between runs in this process.

Modules, one job each: :mod:`.verdicts` (targets, summaries, PASS/MISS; written into
``bench.json``, which the site's benchmark page reads without importing the benchmark),
:mod:`.probe` (machine facts, process-tree memory), :mod:`.driver` (one timed run in a child
process, with or without Quarto on PATH), :mod:`.measures` (the single-district measurements),
:mod:`.districts` (the multi-district part), :mod:`.suite` (the test suite's times),
:mod:`.summary` (the printed summary), :mod:`.cli` (the command line). This package imports
none of them: importing ``p3md.bench.verdicts`` stays light.
"""
