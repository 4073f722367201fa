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
    ``xdist_group``: the tests of the one pipeline run (and the browser's checks of its site,
    which ask for it at run time) share one worker, so the run is built once; every other test
    goes with its module (or its module's site, see ``_group``), so a module's fixtures are
    built once, and the other worker takes those while the run is being built.
    """
    for item in items:
        shares_run = "pipeline_run" in getattr(item, "fixturenames", ()) or _asks_for_the_run(item)
        if shares_run:
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.xdist_group("pipeline-run"))
        else:
            item.add_marker(pytest.mark.xdist_group(_group(item)))


def pytest_configure(config):
    config.pluginmanager.register(_GroupOrder(), "p3md-group-order")


def pytest_collection_finish(session):
    """On an xdist worker with ``--dist loadgroup``, xdist has written each test's group into
    its node id (``...@pipeline-run``) by now; if it has not (pytest 9.2 with pytest-xdist 3.8,
    pytest-dev/pytest-xdist#1386), the groups are silently ignored and the shared run is built
    on every worker: stop instead of running the suite at twice its cost."""
    if not getattr(session.config.option, "loadgroup", False) or not session.items:
        return
    if not any("@" in item.nodeid for item in session.items):
        raise pytest.UsageError(
            "pytest-xdist ignored the tests' xdist_group marks (pytest-dev/pytest-xdist#1386): "
            "install the pinned test tools (make setup) or run with JOBS=1"
        )


class _GroupOrder:
    """Runs after every other collection hook (the markers above are set first, so ``-m``
    deselects by them; pytest's own reordering by fixture parameters is kept within a group)."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        items[:] = _heavy_groups_first(items)


def _heavy_groups_first(items):
    """The items reordered so that xdist hands out the long groups first (the Makefile passes
    ``--no-loadscope-reorder``, which keeps this order): the shared run's group, then every
    group holding a test that runs a whole pipeline or a browser (minutes each, in collection
    order), then the rest, most tests first. A worker takes the next group when it is nearly
    done, so short groups at the end fill the gaps and neither worker idles while the other
    finishes a long one. Within a group the collection order is kept."""
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.get_closest_marker("xdist_group").args[0], []).append(item)

    def weight(entry):
        name, members = entry
        heavy = any(m.get_closest_marker("e2e") or m.get_closest_marker("browser") for m in members)
        return (name != "pipeline-run", not heavy, 0 if heavy else -len(members))

    ordered = sorted(groups.items(), key=weight)  # stable: ties keep collection order
    return [item for _, members in ordered for item in members]


def _asks_for_the_run(item) -> bool:
    """A browser test of the real run's site asks for ``pipeline_run`` at run time (its
    ``built`` fixture's ``reports`` parameter); the ``fake`` sites need no run."""
    built = getattr(getattr(item, "callspec", None), "params", {}).get("built")
    return isinstance(built, tuple) and built[0] == "reports"


def _group(item) -> str:
    """A module's tests share a worker (its module fixtures are built once there); a site
    built per module-scoped parameter (a fake run per renderer) makes a group of its own, so
    the other worker can take it."""
    built = getattr(getattr(item, "callspec", None), "params", {}).get("built")
    if isinstance(built, tuple):
        return f"{item.path.stem}-{'-'.join(built)}"
    return item.path.stem


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
