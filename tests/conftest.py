"""Shared fixtures: one real run of the whole study, built once per test session.

Every test that uses that run (the ``pipeline_run`` fixture) is marked ``e2e`` here, so
``make test-fast`` (``-m "not e2e and not browser"``) never pays for a whole pipeline run, and
``make test`` pays for exactly one: tests that only read a run's results share it instead of
running their own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from p3md import PROJECT_ROOT


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark ``e2e`` every test that uses the session's pipeline run, directly or through
    another fixture (its marker then cannot be forgotten).

    For ``make test``'s two workers (pytest-xdist, ``--dist loadgroup``) every test gets an
    ``xdist_group``: the tests of the one pipeline run (and the browser's, which ask for it at
    run time) share one worker, so the run is built once; every other test goes with its
    module, so a module's fixtures are built once.
    """
    for item in items:
        shares_run = "pipeline_run" in getattr(item, "fixturenames", ())
        if shares_run:
            item.add_marker(pytest.mark.e2e)
        if shares_run or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("pipeline-run"))
        else:
            item.add_marker(pytest.mark.xdist_group(item.path.stem))


@pytest.fixture(scope="session")
def cb():
    """The validated codebook (modules may override with their own)."""
    from p3md.codebook import load_codebook

    return load_codebook()


@pytest.fixture(scope="session")
def scored(cb):
    """The shipped reconstruction, read and scored (no notebooks involved)."""
    from p3md.io.readers import read_raw_dir
    from p3md.scoring import score_study

    return score_study(read_raw_dir(PROJECT_ROOT / "data" / "raw", cb), cb)


@pytest.fixture(scope="session")
def pipeline_run(tmp_path_factory):
    """The whole study on the shipped ``data/raw`` into a temporary ``reports/`` (cold cache).

    Returns the :class:`~p3md.pipeline.runner.RunResult`; tests that need a built site or the
    real tables share it instead of paying a cold run each.
    """
    from p3md.pipeline.params import make_params
    from p3md.pipeline.runner import run_pipeline
    from p3md.site.step import SiteStep

    out = Path(tmp_path_factory.mktemp("e2e")) / "reports"
    params = make_params(data_dir=str(PROJECT_ROOT / "data" / "raw"), out_dir=str(out))
    result = run_pipeline(params, renderer=SiteStep(), derived_dir=None)
    assert result.success, result.message
    return result


@pytest.fixture(scope="session")
def districts_data(tmp_path_factory):
    """Three districts of the multi-district reconstruction (Lampung's first three rows of
    Table 1), generated once per session; tests copy it before changing anything."""
    from p3md.reconstruction.districts import generate_districts

    out = Path(tmp_path_factory.mktemp("districts")) / "data"
    generate_districts(out, n=3)
    return out


@pytest.fixture(scope="session")
def kernel_server():
    """One fork server of stage kernels for the session's small runs (the runner starts one per
    run otherwise, and its imports cost more than a fixture notebook); ``None`` where kernels
    are not forked (not Linux, ``P3MD_KERNEL_START=spawn``)."""
    from p3md.pipeline.kernels import ForkServer, fork_supported

    if not fork_supported():
        yield None
        return
    server = ForkServer(["pathlib", "pandas"])
    yield server
    server.close()
