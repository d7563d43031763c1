"""The runner behind `make figures`: in-place reruns are byte-identical, runs on a folder go to the
run folder with CORPUS_DIR injected, and failures end with a message rather than a traceback."""
import threading
import time

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from lib.report.runner import (main, notebook_needs, notebook_paths, NotebookError, run_in_order, run_notebook,
                               stop_running_kernels)

KERNELSPEC = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


def write_notebook(path, *cells):
    nbformat.write(new_notebook(cells=list(cells), metadata=KERNELSPEC), path)
    return path


def demo(path):
    """A notebook that prints its CORPUS_DIR and saves a table where lib.paths says."""
    return write_notebook(
        path,
        new_markdown_cell("# 01 · Demo"),
        new_code_cell('import pandas as pd\nfrom lib import save_table\nCORPUS_DIR = "default"',
                      metadata={"tags": ["parameters"]}),
        new_markdown_cell("## 1. Save"),
        new_code_cell('print(f"corpus={CORPUS_DIR}")\nsave_table(pd.DataFrame({"n": [1]}), "01-demo")'),
    )


def stdout_of(notebook):
    return "".join(o.get("text", "") for cell in notebook.cells for o in cell.get("outputs", []))


def test_notebooks_are_found_in_numbered_order(tmp_path):
    for name in ("02-b.ipynb", "00-index.ipynb", "01-a.ipynb", "scratch.ipynb"):
        write_notebook(tmp_path / name)
    assert [p.name for p in notebook_paths(tmp_path)] == ["00-index.ipynb", "01-a.ipynb", "02-b.ipynb"]


def test_an_in_place_rerun_writes_the_same_bytes_without_timing(tmp_path):
    path = demo(tmp_path / "01-demo.ipynb")
    run_notebook(path, output_dir=tmp_path / "out")
    first = path.read_bytes()
    run_notebook(path, output_dir=tmp_path / "out")
    assert path.read_bytes() == first
    notebook = nbformat.reads(first.decode(), as_version=4)
    assert "corpus=default" in stdout_of(notebook)
    assert all("execution" not in cell.metadata for cell in notebook.cells)
    assert (tmp_path / "out" / "tables" / "01-demo.csv").read_text() == "n\n1\n"


def test_a_run_on_a_folder_injects_corpus_dir_and_writes_into_the_run_folder(tmp_path):
    source = demo(tmp_path / "01-demo.ipynb")
    before = source.read_bytes()
    run_dir = tmp_path / "runs" / "mine"
    output = run_dir / "notebooks" / "01-demo.ipynb"
    run_notebook(source, output=output, output_dir=run_dir,
                 parameters={"CORPUS_DIR": "/articles/mine", "NOT_A_PARAMETER": 1})
    assert source.read_bytes() == before
    notebook = nbformat.read(output, as_version=4)
    injected = [c for c in notebook.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "NOT_A_PARAMETER" not in injected[0].source
    assert notebook.metadata["papermill"]["parameters"] == {"CORPUS_DIR": "/articles/mine"}
    assert "corpus=/articles/mine" in stdout_of(notebook)
    assert (run_dir / "tables" / "01-demo.csv").exists()


def test_a_failing_cell_is_reported_by_cell_and_error_and_the_run_copy_keeps_the_traceback(tmp_path):
    source = write_notebook(tmp_path / "01-broken.ipynb", new_markdown_cell("## 3. Fit the model"),
                            new_code_cell('raise ValueError("too few paragraphs")'))
    output = tmp_path / "run" / "01-broken.ipynb"
    with pytest.raises(NotebookError, match=r"01-broken.ipynb stopped in cell 1 \(3. Fit the model\): "
                                            r"ValueError: too few paragraphs"):
        run_notebook(source, output=output, output_dir=tmp_path / "run")
    assert "too few paragraphs" in output.read_text()


@pytest.mark.parametrize("make_folder, message", [
    (lambda tmp: tmp / "missing", "folder does not exist"),
    (lambda tmp: (tmp / "empty").mkdir() or tmp / "empty", "no files found"),
])
def test_an_unusable_folder_stops_before_any_notebook_with_what_to_fix(tmp_path, make_folder, message, capsys):
    # main() in this process, as `python -m lib.report.runner` calls it: the folder is refused
    # before any kernel starts, so a fresh interpreter would only add its start-up time.
    folder = make_folder(tmp_path)
    assert main(["--corpus", str(folder), "--output", str(tmp_path / "run"), "--no-progress"]) == 2
    out, err = capsys.readouterr()
    assert message in err and "CORPUS must be a folder" in err
    assert "Traceback" not in err + out
    assert "notebook" not in out
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize("argv", [["--run", "x"], ["--corpus", "seeds", "--run", "../elsewhere"]])
def test_bad_arguments_are_refused(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert "--run" in capsys.readouterr().err


def test_a_notebook_waits_for_the_earlier_notebooks_whose_outputs_its_code_names(tmp_path):
    write_notebook(tmp_path / "01-corpus.ipynb", new_code_cell('save_table(table, "01-inventory")'))
    write_notebook(tmp_path / "02-topics.ipynb", new_markdown_cell("Reads `01-inventory.csv`."),
                   new_code_cell('save_figure(fig, "02-shares")'))
    write_notebook(tmp_path / "03-charts.ipynb", new_code_cell(
        'inventory = pd.read_csv(TABLES_DIR / "01-inventory.csv")\n'
        'shares = {name: read(f"02-{name}") for name in ("shares",)}\n'
        'later = "04-not-yet-written"'))
    needs = {path.name: [need.name for need in paths] for path, paths in notebook_needs(notebook_paths(tmp_path)).items()}
    assert needs == {"01-corpus.ipynb": [], "02-topics.ipynb": [],   # markdown is not code
                     "03-charts.ipynb": ["01-corpus.ipynb", "02-topics.ipynb"]}


def test_independent_notebooks_run_at_the_same_time_and_a_reader_after_what_it_reads():
    both_running = threading.Barrier(2, timeout=10)   # broken unless two runs overlap
    finished = []

    def run(name):
        if name in ("a", "b"):
            both_running.wait()
        if name == "c":
            assert "a" in finished, "c started before a, whose outputs it reads, finished"
        finished.append(name)

    assert run_in_order(["a", "b", "c"], run, needs={"a": [], "b": [], "c": ["a"]}, jobs=2) == {}
    assert sorted(finished) == ["a", "b", "c"]


def test_a_failed_notebook_stops_its_readers_only():
    ran = []

    def run(name):
        ran.append(name)
        if name == "02-topics.ipynb":
            raise NotebookError("02-topics.ipynb stopped in cell 3 (Sweep): ValueError: no units")

    needs = {"01-corpus.ipynb": [], "02-topics.ipynb": [], "03-charts.ipynb": ["02-topics.ipynb"],
             "04-more.ipynb": ["03-charts.ipynb"], "05-explore.ipynb": []}
    failures = run_in_order(list(needs), run, needs=needs, jobs=1)
    assert ran == ["01-corpus.ipynb", "02-topics.ipynb", "05-explore.ipynb"]
    assert failures == {
        "02-topics.ipynb": "02-topics.ipynb stopped in cell 3 (Sweep): ValueError: no units",
        "03-charts.ipynb": "03-charts.ipynb not run: it reads the outputs of 02-topics.ipynb, which failed",
        "04-more.ipynb": "04-more.ipynb not run: it reads the outputs of 03-charts.ipynb, which failed",
    }


def test_jobs_must_be_at_least_one(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--jobs", "0"])
    assert stop.value.code == 2
    assert "--jobs 0" in capsys.readouterr().err


def test_side_by_side_a_notebook_that_others_read_starts_first():
    first_two = threading.Barrier(2, timeout=10)
    started, lock = [], threading.Lock()

    def run(name):
        with lock:
            started.append(name)
            among_first = len(started) <= 2
        if among_first:
            first_two.wait()

    needs = {"a": [], "b": [], "c": [], "d": ["c"]}
    assert run_in_order(list(needs), run, needs=needs, jobs=2) == {}
    assert set(started[:2]) == {"a", "c"} and sorted(started) == ["a", "b", "c", "d"]


def test_an_interrupted_run_stops_the_running_notebooks_and_starts_no_more():
    ran, stopped = [], []

    def run(name):
        ran.append(name)
        if name == "b":
            raise KeyboardInterrupt   # as Ctrl-C arrives

    with pytest.raises(KeyboardInterrupt):
        run_in_order(["a", "b", "c"], run, needs={"a": [], "b": [], "c": []}, on_stop=lambda: stopped.append(True))
    assert ran == ["a", "b"] and stopped == [True]


def test_stopping_kills_the_kernel_of_a_notebook_that_is_running(tmp_path):
    running = tmp_path / "running"   # written by the cell once it runs
    source = write_notebook(tmp_path / "01-slow.ipynb", new_code_cell(
        f"import pathlib, time\npathlib.Path({str(running)!r}).touch()\ntime.sleep(60)"))

    def stop_once_running():
        while not running.exists():
            time.sleep(0.1)
        stop_running_kernels()

    stopper = threading.Thread(target=stop_once_running, daemon=True)
    stopper.start()
    started = time.perf_counter()
    with pytest.raises(NotebookError, match="01-slow.ipynb stopped in .*DeadKernelError"):
        run_notebook(source, output=tmp_path / "run" / "01-slow.ipynb", output_dir=tmp_path / "run", timeout=120)
    assert time.perf_counter() - started < 50, "the cell ran on after its kernel was stopped"


def test_a_print_split_over_messages_is_stored_as_one_output():
    import nbformat
    from lib.report.runner import coalesce_streams
    cell = nbformat.v4.new_code_cell("print(table)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="note      "),
                    nbformat.v4.new_output("stream", name="stdout", text="\n"),
                    nbformat.v4.new_output("stream", name="stderr", text="warning\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="after\n")]
    notebook = coalesce_streams(nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_markdown_cell("x")]))
    assert [(o.name, o.text) for o in notebook.cells[0].outputs] == [
        ("stdout", "note      \n"), ("stderr", "warning\n"), ("stdout", "after\n")]
