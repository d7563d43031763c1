"""Run the notebooks, each in a fresh kernel once those it reads have run, then build the report
(`make figures`).

Two ways to run:

- ``python -m lib.report.runner`` (``make figures``): the committed notebooks are executed in place on
  their default ``CORPUS_DIR`` (the seeds); figures and tables go to ``data/``, the report to
  ``data/report/``. Outputs are stored without timing metadata, so a rerun writes the same bytes.
- ``python -m lib.report.runner --corpus FOLDER [--run NAME]`` (``make figures CORPUS=FOLDER RUN=NAME``):
  the folder is loaded first (a folder that cannot be used stops the run here, with what to fix),
  then each notebook runs on it (papermill injects ``CORPUS_DIR`` after its ``parameters`` cell)
  and is saved to ``data/runs/NAME/notebooks/``; figures, tables and the report go to
  ``data/runs/NAME/`` (NAME defaults to the folder's name). The committed notebooks and ``data/``
  are left alone.

Notebooks that do not read each other's outputs run at the same time, as many as there are cores
(``--jobs N``; ``--jobs 1`` runs them one after another). What a notebook reads is found in its
code: figures and tables are named after the notebook that writes them (``save_table(table,
"02-topics")``), so a notebook that names another's output in a string (``"02-topics"``,
``f"03-{name}"``) waits for that notebook (04-charts waits for 01 to 03). The corpus is loaded,
and so cached, before the first notebook starts; each notebook then reads the cached tables.

Progress goes to the terminal: the stage, each notebook as it starts and ends, and progress bars
over the articles while loading and over the cells (with the current section) while a notebook
runs. Bars are shown only when stderr is a terminal, and never end up in a notebook's stored
outputs. A run goes on past a notebook that fails (the notebooks that read its outputs are not
run), then says which failed and where to read the traceback. Ctrl-C stops the running notebooks'
kernels and the run.

>>> run_all(ROOT / "tests/fixtures/mini_corpus")  # doctest: +SKIP
"""
import argparse
import ast
import json
import os
import re
import shutil
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from papermill.iorw import load_notebook_node
from papermill.parameterize import parameterize_notebook
from tqdm import tqdm

from lib.corpus import sources
from lib.corpus.build import load_corpus
from lib.errors import CorpusError, ManifestError, WorkbenchError
from lib.paths import DATA_DIR, NOTEBOOKS_DIR, ROOT, RUNS_DIR, SEEDS_DIR, notebook_paths
from lib.report.pages import build_report

OUTPUT_VARIABLE = "WORKBENCH_OUTPUT_DIR"  # read by lib.paths in each notebook's kernel
RUN_SUBFOLDERS = ("notebooks", "figures", "tables", "report")
# A string in a notebook's code that starts with a notebook's number: the name of one of its
# figures or tables ("02-topics", f"03-{name}").
OUTPUT_NAME = re.compile(r"""["'](\d{2})-[\w.*{-]""")
_RUNNING = set()   # the NotebookClients executing now (several when notebooks run side by side)
_RUNNING_LOCK = threading.Lock()
MAX_PROBLEMS_SHOWN = 30
WHAT_TO_FIX = {
    CorpusError: "CORPUS must be a folder that holds articles as .txt, .md or .html files "
                 "(subfolders are fine); fix the folder or the path and run again.",
    ManifestError: "Fix manifest.csv (a CSV with a `file` column, optionally source, title, date, "
                   "url, language) or move it out of the folder, and run again.",
}


class NotebookError(WorkbenchError):
    """A notebook stopped with an error in one of its cells."""


class KernelStartError(WorkbenchError):
    """The Jupyter kernel could not start, so no notebook can run."""


KERNEL_HINT = ("the notebooks run in a local Python kernel reached over 127.0.0.1: check that the "
               "loopback network is up (`ip link set lo up`) and that ipykernel is installed in "
               "this environment (`make install`)")


def run_notebook(path, *, output=None, parameters=None, output_dir=DATA_DIR, progress=False, timeout=600,
                 kernel_name="python3", bar_position=None):
    """Execute one notebook top to bottom in a fresh kernel and save it to ``output`` (default: in place).

    ``parameters`` (name -> value) are injected by papermill after the ``parameters`` cell; names the
    cell does not define are left out. The kernel runs in ``notebooks/`` with
    ``WORKBENCH_OUTPUT_DIR=output_dir``, so save_figure / save_table write under ``output_dir``.
    ``bar_position`` is the line of the progress bar when several notebooks run at once.
    Raises NotebookError naming the cell and the error; the notebook, with the error in it, is
    still saved unless that would overwrite the notebook that was run. Raises KernelStartError,
    with one line saying what to check, when the kernel fails before its first cell.
    """
    path = Path(path)
    output = path if output is None else Path(output)
    notebook = nbformat.read(path, as_version=4)
    wanted = {name: value for name, value in (parameters or {}).items() if _defines(notebook, name)}
    if wanted:
        notebook = parameterize_notebook(load_notebook_node(str(path)), wanted)
    code_cells = sum(cell.cell_type == "code" for cell in notebook.cells)
    started = []
    with tqdm(total=code_cells, desc=f"  {path.stem}", unit="cell", leave=False, disable=not progress,
              position=bar_position) as bar:
        client = NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name=kernel_name,
            record_timing=False,
            extra_arguments=["--IPKernelApp.log_level=ERROR"],  # not its warning about local TCP
            resources={"metadata": {"path": str(NOTEBOOKS_DIR)}},
            on_cell_execute=lambda cell, cell_index: (started.append(cell_index),
                                                      bar.set_postfix_str(_section(notebook, cell_index))),
            on_cell_complete=lambda cell, cell_index: bar.update(1),
        )
        with _RUNNING_LOCK:
            _RUNNING.add(client)
        try:
            client.execute(env={**os.environ, OUTPUT_VARIABLE: str(output_dir)})
        except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
            if output != path:
                output.parent.mkdir(parents=True, exist_ok=True)
                nbformat.write(coalesce_streams(notebook), output)
            cell = next((i for i, c in enumerate(notebook.cells) if _has_error(c)), None)
            where = f"cell {cell} ({_section(notebook, cell)})" if cell is not None else "a cell"
            ename = getattr(error, "ename", type(error).__name__)
            evalue = getattr(error, "evalue", str(error))
            raise NotebookError(f"{path.name} stopped in {where}: {ename}: {_first_line(evalue)}") from None
        except Exception as error:  # whatever jupyter_client, zmq or nbclient raise at start-up
            if started:
                raise
            raise KernelStartError(f"the Jupyter kernel could not start for {path.name} "
                                   f"({type(error).__name__}: {_first_line(error) or 'no message'}); "
                                   f"{KERNEL_HINT}") from None
        finally:
            with _RUNNING_LOCK:
                _RUNNING.discard(client)
    output.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(coalesce_streams(notebook), output)


def coalesce_streams(notebook):
    """Each cell's consecutive stdout (or stderr) messages as one output: how the kernel splits a
    print into messages depends on when it flushes, so without this a rerun could store the
    same text in different pieces (different bytes). Changes ``notebook`` in place; returns it."""
    for cell in notebook.cells:
        merged = []
        for output in cell.get("outputs", []):
            previous = merged[-1] if merged else None
            if (output.get("output_type") == "stream" and previous is not None
                    and previous.get("output_type") == "stream" and previous.get("name") == output.get("name")):
                previous["text"] = "".join(previous["text"]) + "".join(output["text"])
            else:
                merged.append(output)
        if "outputs" in cell:
            cell["outputs"] = merged
    return notebook


def stop_running_kernels():
    """Kill the kernel of every notebook executing now, so that each stops (DeadKernelError)
    within a second: what Ctrl-C does to a run, whose notebooks run in threads and whose kernels,
    in their own process sessions, do not see the terminal's interrupt."""
    with _RUNNING_LOCK:
        clients = list(_RUNNING)
    for client in clients:
        process = getattr(getattr(client.km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.kill()


def run_all(corpus=None, *, output_dir=None, notebooks_dir=NOTEBOOKS_DIR, progress=False, jobs=None):
    """Load the corpus, run every notebook, build the report; return the failures.

    ``corpus=None`` runs the notebooks in place on their default corpus (the seeds) and writes to
    ``data/``; a folder runs them on that folder into ``output_dir`` (default
    ``data/runs/<folder name>/``). Up to ``jobs`` notebooks run at once (default: the cores this
    process may use), each once the notebooks whose outputs it reads have finished
    (:func:`notebook_needs`, :func:`run_in_order`). Raises CorpusError /
    ManifestError, before any notebook runs, when the folder cannot be used. Returns a list of
    messages, in notebook order, one per notebook that failed or was not run (empty when every
    notebook ran through).
    """
    paths = notebook_paths(notebooks_dir)
    in_place = corpus is None
    if in_place:
        output_dir = Path(output_dir or DATA_DIR)
        folder = SEEDS_DIR
    else:
        folder = Path(corpus).resolve()
        output_dir = Path(output_dir or RUNS_DIR / folder.name).resolve()

    _say(f"[1/3] loading {_shown(folder)}")
    loaded = load_corpus(folder, progress=progress)
    documents, problems = loaded.documents, loaded.problems
    _say(f"      {len(documents)} files loaded, {(documents['status'] == 'ok').sum()} kept for analysis, "
         f"{len(problems)} problems (listed at the end)")
    _say(f"      {sources.summary(documents)}")
    if not in_place:
        for name in RUN_SUBFOLDERS:  # what an earlier run of the same name left, once the folder loaded
            shutil.rmtree(output_dir / name, ignore_errors=True)

    needs = notebook_needs(paths)
    jobs = max(1, min(jobs or default_jobs(), len(paths)))
    after = "; ".join(f"{path.name} after {', '.join(need.name[:2] for need in needs[path])}"
                      for path in paths if needs[path])
    _say(f"[2/3] {len(paths)} notebooks, {jobs} at a time" + (f" ({after})" if after else ""))
    label = {path: f"{number}/{len(paths)} {path.name}" for number, path in enumerate(paths, start=1)}
    bar_lines = list(range(jobs))   # a progress bar's line on the terminal, one per running notebook
    lock = threading.Lock()

    def run_one(path):
        with lock:
            line = bar_lines.pop(0)
        _say(f"      {label[path]} started")
        started = time.perf_counter()
        try:
            run_notebook(path, output=None if in_place else output_dir / "notebooks" / path.name,
                         parameters=None if in_place else {"CORPUS_DIR": str(folder)},
                         output_dir=output_dir, progress=progress, bar_position=line)
        except NotebookError as error:
            _say(f"      {label[path]} FAILED: {error}")
            raise
        finally:
            with lock:
                bar_lines.append(line)
        _say(f"      {label[path]} done in {time.perf_counter() - started:.1f} s")

    failures = run_in_order(paths, run_one, needs=needs, jobs=jobs, on_stop=stop_running_kernels)

    _say("[3/3] building the report")
    index = build_report(output_dir, notebooks_dir=notebooks_dir if in_place else output_dir / "notebooks",
                         title="Press & AI workbench: report" + ("" if in_place else f" on {output_dir.name}"))
    _say(f"      {_shown(index)}")
    _list_problems(problems, output_dir)
    return [failures[path] for path in paths if path in failures]


def run_in_order(paths, run, *, needs, jobs=1, on_stop=None):
    """Call ``run(path)`` for every path, up to ``jobs`` at once (in threads), each once the paths
    in ``needs[path]`` have run through; return {path: message} for those that failed or were not run.

    ``run`` raising NotebookError is a failure (its message is kept); the paths that need a failed
    one are not run. With ``jobs=1`` the paths run in the order given; with more, of the paths
    ready to start those others wait for start first (the others then fill the free slots), each
    group in the order given. Any other exception, or Ctrl-C, stops the run: no path starts after
    it, ``on_stop()`` is called (to stop the running ones) and the exception is raised once they end.

    >>> def run(path):
    ...     if path == "b":
    ...         raise NotebookError("b stopped in cell 2 (Fit): ValueError: no units")
    >>> run_in_order(["a", "b", "c"], run, needs={"a": [], "b": [], "c": ["b"]})
    {'b': 'b stopped in cell 2 (Fit): ValueError: no units', 'c': 'c not run: it reads the outputs of b, which failed'}
    """
    waited_for = {need for path in paths for need in needs[path]} if jobs > 1 else set()
    pending = sorted(paths, key=lambda path: path not in waited_for)   # stable: the given order within each
    failures, finished, running = {}, set(), {}
    with ThreadPoolExecutor(jobs) as pool:
        try:
            while pending or running:
                for path in list(pending):
                    failed = [need for need in needs[path] if need in failures]
                    if failed:
                        pending.remove(path)
                        failures[path] = (f"{Path(path).name} not run: it reads the outputs of "
                                          f"{', '.join(Path(need).name for need in failed)}, which failed")
                    elif len(running) < jobs and all(need in finished for need in needs[path]):
                        pending.remove(path)
                        running[pool.submit(run, path)] = path
                if not running:
                    continue
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    path = running.pop(future)
                    try:
                        future.result()
                    except NotebookError as error:
                        failures[path] = str(error)
                    else:
                        finished.add(path)
        except BaseException:   # KeyboardInterrupt included: the pool waits for the running paths
            if on_stop is not None:
                on_stop()
            raise
    return failures


def notebook_needs(paths):
    """For each notebook, the earlier notebooks whose figures or tables it reads: {path: [paths]}.

    Outputs are named after the notebook that writes them (``data/tables/02-topics.csv``), so a
    notebook whose code holds a string that starts with an earlier notebook's number and a hyphen
    reads that notebook's outputs. A string that only mentions such a name makes a notebook wait
    without need, never start too early.

    >>> {path.name: [need.name for need in needs] for path, needs in notebook_needs(notebook_paths()).items()
    ...  if needs}
    {'04-charts.ipynb': ['01-corpus.ipynb', '02-topics.ipynb', '03-stance.ipynb']}
    """
    numbered = {path.name[:2]: path for path in paths}
    needs = {}
    for path in paths:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]   # read, not validated
        code = "\n".join("".join(cell["source"]) for cell in cells if cell["cell_type"] == "code")
        named = sorted(set(OUTPUT_NAME.findall(code)))
        needs[path] = [numbered[n] for n in named if n in numbered and numbered[n].name < path.name]
    return needs


def default_jobs():
    """How many notebooks run at once by default: the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def main(argv=None):
    """Command line of ``make figures``; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m lib.report.runner", description="Run every notebook in order, then build the report.")
    parser.add_argument("--corpus", help="folder of articles to run the notebooks on (default: the seeds, in place)")
    parser.add_argument("--run", help="name of the run folder data/runs/NAME (default: the corpus folder's name)")
    parser.add_argument("--output", type=Path, help="write the run here instead of data/runs/NAME")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars (they are off anyway when not on a terminal)")
    parser.add_argument("--jobs", type=int, help="notebooks run at once, each after those whose outputs it reads "
                                                 f"(default: the cores available, here {default_jobs()}; 1: one after another)")
    args = parser.parse_args(argv)
    if (args.run or args.output) and not args.corpus:
        parser.error("--run and --output need --corpus (without it the notebooks run in place)")
    if args.jobs is not None and args.jobs < 1:
        parser.error(f"--jobs {args.jobs}: give 1 or more")
    if args.run and (Path(args.run).name != args.run or args.run in {".", ".."}):
        parser.error(f"--run {args.run!r}: give a plain folder name, it is created under {_shown(RUNS_DIR)}")
    output_dir = args.output or (RUNS_DIR / args.run if args.run else None)
    started = time.perf_counter()
    try:
        failures = run_all(args.corpus, output_dir=output_dir, jobs=args.jobs,
                           progress=sys.stderr.isatty() and not args.no_progress)
    except (CorpusError, ManifestError) as error:
        print(f"error: {error}\n{WHAT_TO_FIX[type(error)]}", file=sys.stderr)
        return 2
    except KernelStartError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the notebooks that were running were stopped", file=sys.stderr)
        return 130
    elapsed = time.perf_counter() - started
    if failures:
        print(f"{len(failures)} notebook(s) failed (tracebacks are in the saved notebooks):", file=sys.stderr)
        for failure in failures:
            print(f"  {failure}", file=sys.stderr)
        return 1
    _say(f"finished in {elapsed:.0f} s")
    return 0


def _list_problems(problems, output_dir):
    if problems.empty:
        _say("no problems found in the folder")
        return
    _say(f"{len(problems)} problems found in the folder (also in {_shown(output_dir / 'tables' / '01-problems.csv')}):")
    for row in problems.head(MAX_PROBLEMS_SHOWN).itertuples():
        _say(f"  {row.file}: {row.problem} -> {row.action}")
    if len(problems) > MAX_PROBLEMS_SHOWN:
        _say(f"  … and {len(problems) - MAX_PROBLEMS_SHOWN} more")


def _defines(notebook, name):
    """Whether the notebook's ``parameters`` cell assigns ``name``."""
    cell = next((c for c in notebook.cells if "parameters" in c.metadata.get("tags", [])), None)
    if cell is None:
        return False
    assigned = (node.targets if isinstance(node, ast.Assign) else [node.target]
                for node in ast.parse(cell.source).body if isinstance(node, (ast.Assign, ast.AnnAssign)))
    return any(isinstance(target, ast.Name) and target.id == name for targets in assigned for target in targets)


def _section(notebook, cell_index):
    """The last markdown heading above ``cell_index`` (what stage of the notebook is running)."""
    for cell in reversed(notebook.cells[:cell_index]):
        if cell.cell_type == "markdown":
            headings = [line.lstrip("#").strip() for line in cell.source.splitlines() if line.startswith("#")]
            if headings:
                return headings[-1]
    return "start"


def _has_error(cell):
    return any(output.get("output_type") == "error" for output in cell.get("outputs", []))


def _first_line(text):
    lines = str(text).strip().splitlines()
    return lines[0] if lines else ""


def _shown(path):
    """A path for the terminal: relative to the repository when inside it; bytes that are not
    UTF-8 shown as \\xNN."""
    path = Path(path)
    shown = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
    return os.fsencode(shown).decode("utf-8", "backslashreplace")


def _say(message):
    print(message, flush=True)


if __name__ == "__main__":
    sys.exit(main())
