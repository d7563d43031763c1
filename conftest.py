"""Test-wide settings: quiet, known third-party warnings, no network for unit tests, and the time
each test file and notebook took, printed at the end of every run so that a slow-down shows."""
import logging
import socket
from collections import defaultdict
from pathlib import Path

import pytest

try:  # pytest-xdist, for make test's two workers
    from xdist.scheduler import LoadFileScheduling
except ImportError:
    LoadFileScheduling = None

logging.getLogger("jieba").setLevel(logging.ERROR)

SLOWEST_SHOWN = 15  # files listed by name in the summary; the rest are summed on one line
NOTEBOOK_SECONDS = "notebook_seconds"  # a test's record_property: {notebook: seconds} of a run
NOTEBOOK_BUDGET = 10  # seconds a notebook may take on the seeds (issue 18); printed, never asserted


@pytest.fixture(autouse=True)
def no_network(monkeypatch, request):
    """Unit tests must not reach the network; notebooks run in their own kernels."""
    if request.node.path.suffix == ".py":
        def refuse(*args, **kwargs):
            raise OSError("network access attempted during a test")
        monkeypatch.setattr(socket.socket, "connect", refuse)


if LoadFileScheduling is not None:
    class NotebooksTogether(LoadFileScheduling):
        """``--dist loadfile`` with every notebook in one unit: nbval runs them in order in one
        worker, as 04-charts reads the tables that 01 to 03 rewrite in place (and the first
        notebook to run on a cold cache builds data/processed/ for the others)."""

        def _split_scope(self, nodeid):
            path = super()._split_scope(nodeid)
            return "notebooks" if path.startswith("notebooks/") else path

    def pytest_xdist_make_scheduler(config, log):
        """make test runs ``pytest -n 2 --dist loadfile``: each test file in one worker (so a
        module-scoped fixture such as the end-to-end run is set up once), the notebooks together,
        the units handed out in collection order (see :func:`pytest_collection_modifyitems`)
        rather than xdist's largest-count-first."""
        if config.getvalue("dist") == "loadfile":
            config.option.loadscopereorder = False
            return NotebooksTogether(config, log)
        return None


def runs_notebooks(item):
    """Whether a test executes notebooks: nbval's cells, and the tests marked slow (the end-to-end run)."""
    return item.path.suffix == ".ipynb" or item.get_closest_marker("slow") is not None


def pytest_collection_modifyitems(config, items):
    """In a pytest-xdist worker, the tests that run notebooks first (the longest units, each taking
    up a worker for tens of seconds), so that the two start at once on the two workers and the
    short files fill in around them instead of one ending the run alone. Every worker sorts alike,
    so their collections stay the same; a run without xdist keeps pytest's order."""
    if hasattr(config, "workerinput"):
        items.sort(key=lambda item: not runs_notebooks(item))   # stable: notebooks stay in order


def pytest_terminal_summary(terminalreporter):
    """Seconds per test file, setup and teardown included, then per notebook: under nbval (each
    notebook is a file) and in the end-to-end run; a notebook over its budget says so.

    Under pytest-xdist the seconds are those spent in the workers, so they add up to more than the
    run's wall-clock time. A test that ran the notebooks through the runner reports the runner's
    seconds per notebook with ``record_property("notebook_seconds", {name: seconds})``."""
    seconds, tests, notebook_seconds = defaultdict(float), defaultdict(int), {}
    for reports in terminalreporter.stats.values():
        for report in reports:
            if isinstance(report, pytest.TestReport):
                path = report.nodeid.split("::")[0]
                seconds[path] += report.duration
                tests[path] += report.when == "call"
                notebook_seconds.update(dict(report.user_properties).get(NOTEBOOK_SECONDS, {}))
    if not seconds:
        return
    write = terminalreporter.write_line
    terminalreporter.write_sep("=", "seconds per test file")
    ranked = sorted(seconds, key=seconds.get, reverse=True)
    for path in ranked[:SLOWEST_SHOWN]:
        write(f"{seconds[path]:7.1f} s  {path} ({tests[path]} tests)")
    rest = ranked[SLOWEST_SHOWN:]
    if rest:
        write(f"{sum(seconds[p] for p in rest):7.1f} s  {len(rest)} other files ({sum(tests[p] for p in rest)} tests)")
    write(f"{sum(seconds.values()):7.1f} s  in all, {len(seconds)} files")
    under_nbval = {Path(path).stem: seconds[path] for path in sorted(seconds) if path.endswith(".ipynb")}
    for where, times in (("under nbval (the committed notebooks)", under_nbval),
                         ("in the end-to-end run", notebook_seconds)):
        if times:
            write(f"seconds per notebook {where}: " + ", ".join(
                f"{name} {value:.1f}" + (" (over budget)" if value > NOTEBOOK_BUDGET else "")
                for name, value in times.items()))
