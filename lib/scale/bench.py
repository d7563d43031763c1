"""Benchmark: time and memory of every stage on generated corpora of 1,000 to 100,000 articles.

``python -m lib.scale.bench [--quick] [--sizes 1000 10000 ...] [--workers N ...]`` writes corpora into a
temporary folder (paragraphs resampled from ``seeds/`` with generated page furniture, repeated boilerplate, exact and
near duplicates and a share of Chinese text; fixed seed, nothing downloaded), runs the workbench's
stages on each, and prints per size and stage: wall time, articles per second and the process's
peak resident memory so far (``resource.getrusage``: a high-water mark, so it never goes down; the
``rss_mb`` column is the memory in use when the stage ended); each size runs in a new process, so
no size inherits the memory of the one before. In the same process and on the same
files it runs the pipeline a user would otherwise write (read each file whole, split sentences on a
regex, scikit-learn's topic-extraction example: online LDA over the unsegmented documents) and
prints our time as a ratio to it. Results go to ``data/bench/latest.csv`` and a log-log figure of
time against corpus size, ``data/bench/latest.png``: our stages in one panel, the naive pipeline's
and both totals in the other. ``--quick`` runs 1,000 only.

Our pipeline is :func:`lib.scale.stream.digest_folder` (load, clean, segment, tokenize, stance scoring,
article by article, keeping a fixed-size paragraph sample and the scored pairs), the NMF topic sweep
on that sample (:data:`TOPIC_SAMPLE` paragraphs, so its cost does not grow with the corpus) and the
charts. ``--workers N`` chooses where the per-article stages run: ``1`` in this process, ``N > 1``
on a pool of N processes forked from this one (``concurrent.futures.ProcessPoolExecutor``; they
start with the workbench already imported); ``--dask N`` adds a run on a Dask
``LocalCluster(n_workers=N, threads_per_worker=1, processes=True)`` started for the run, the route
beyond one machine. Starting and stopping the pool or cluster is timed as ``workers start/stop``;
they stop right after the sweep, which runs on 2 joblib processes on every path. Several values run
each path on the same files, e.g. ``--workers 1 2 --dask 2``. The default is a pool of as many
processes as this one may use cores (``os.sched_getaffinity``): 2 on a 2-core machine. Every row
names its ``path``. The stages of one batch run together in a task, so a per-article stage's
``seconds`` is the wall time of the per-article phase shared out in proportion to that stage's
summed task time (``task_s``, the seconds spent in it, by the workers on a pool or cluster); they
add up to the phase's wall time.

Memory: ``rss_mb`` / ``peak_rss_mb`` are this (client) process only. ``workers_peak_mb`` is the sum of
each worker process's own high-water mark (``getrusage`` inside the worker; a forked worker's
count includes the pages it shares with this process). ``tree_peak_mb`` in the summary is the
largest total proportional memory (PSS) of this process and all its child processes (the workers)
sampled with psutil during our pipeline, every 0.25 s or 25 times the cost of one sample if that
is longer (:class:`TreeMemory`): the figure to hold against a memory budget (sampling can miss a
spike shorter than the interval).
"""
import argparse
import multiprocessing
import os
import re
import resource
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from lib.corpus import load
from lib.paths import DATA_DIR, SEEDS_DIR
from lib.report import plots
from lib.report.figures import save_figure, use_style
from lib.scale import stream
from lib.stance import compare
from lib.stance.targets import load_targets
from lib.topics import model as topics

SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000,)
SEED = 0
BATCH_SIZE = 200
N_SOURCES = 20
TOPIC_SAMPLE = topics.SWEEP_MAX_UNITS   # paragraphs the NMF sweep is fitted on, whatever the corpus size
TOPIC_KS = (5, 10, 15, 20)
TOPIC_SUBSAMPLES = 5
CHART_BOOT = 200
PER_ARTICLE_STAGES = stream.STAGES
BENCH_DIR = DATA_DIR / "bench"
CHINESE_SHARE = 0.1           # articles that carry a Chinese passage (with or without translation)
DUPLICATE_SHARE = 0.05        # articles saved twice: same text under another source

FURNITURE_LINES = (
    "Subscribe now to unlock this article", "Share this article", "Advertisement",
    "Sign up for our daily newsletter", "Related: {title}", "Read more: {title}",
    "© 2025 {site}. All rights reserved.", "Follow us on X and LinkedIn", "Most read",
)
CHINESE_PASSAGES = (
    "阿里巴巴董事会主席蔡崇信表示，人工智能竞赛不是短跑，而是一场马拉松。",
    "开源模型的普及速度比模型规模更重要，中国企业正在加快应用落地。",
    "分析人士认为，美国在算力上的投入仍然领先，但中国在开源生态上进展迅速。",
    "深度求索和通义千问的开源模型在全球开发者中广受欢迎。",
)


# --------------------------------------------------------------------------- corpus generator

def seed_paragraphs(folder=SEEDS_DIR) -> list[str]:
    """Every non-empty line of the seed articles that reads like prose (at least 8 words)."""
    documents, _ = load.read_folder(folder)
    lines = (line.strip() for text in documents["raw_text"] for line in text.splitlines())
    return [line for line in lines if len(line.split()) >= 8]


def write_corpus(folder: Path, n_articles: int, *, seed: int = SEED) -> Path:
    """Write ``n_articles`` generated articles under ``folder/<source>/``; returns ``folder``.

    Each article: a site name, a headline, a byline with a date, 4-14 seed paragraphs in random
    order, a few furniture lines between them; CHINESE_SHARE of them carry a Chinese passage and
    DUPLICATE_SHARE are a copy of an earlier article saved under another source.
    """
    rng = np.random.default_rng(seed)
    pool = seed_paragraphs()
    sources = [f"outlet-{i:02d}" for i in range(N_SOURCES)]
    for source in sources:
        (folder / source).mkdir(parents=True, exist_ok=True)
    written = []
    for i in range(n_articles):
        source = sources[i % N_SOURCES]
        if written and rng.random() < DUPLICATE_SHARE:
            text = written[int(rng.integers(len(written)))]
        else:
            text = _article(rng, pool, source, i)
            if len(written) < 500:
                written.append(text)
        (folder / source / f"{i:06d}.txt").write_text(text, encoding="utf-8")
    return folder


def _article(rng, pool, source, i) -> str:
    site = source.replace("-", " ").title()
    paragraphs = [pool[j] for j in rng.choice(len(pool), size=int(rng.integers(4, 15)), replace=False)]
    title = " ".join(paragraphs[0].split()[:9]).rstrip(",.;:")
    lines = [site, title, f"By Staff Writer {i % 97}",
             f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"]
    if rng.random() < CHINESE_SHARE:
        passage = CHINESE_PASSAGES[int(rng.integers(len(CHINESE_PASSAGES)))]
        paragraphs.insert(int(rng.integers(len(paragraphs))), passage)
    for paragraph in paragraphs:
        lines.append(paragraph)
        if rng.random() < 0.2:
            lines.append(FURNITURE_LINES[int(rng.integers(len(FURNITURE_LINES)))].format(title=title, site=site))
    return "\n\n".join(lines) + "\n"


# --------------------------------------------------------------------------- measuring

def peak_rss_mb() -> float:
    """The process's peak resident memory so far, in MB (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """The process's resident memory now, in MB."""
    try:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * resource.getpagesize() / 2**20
    except OSError:
        return float("nan")


def default_workers() -> int:
    """Cores this process may run on (1 means the single-process path)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


class TreeMemory:
    """Peak total memory of this process and its descendants, sampled in a thread (psutil).

    Each process counts its proportional set size (PSS: pages shared with other processes, as a
    forked worker shares its parent's, are divided among them), so the sum is the memory the tree
    really holds; where PSS cannot be read, its resident set size.

    Reading PSS makes the kernel walk every page of every process: about 15-20 ms for a 1 GB tree,
    CPU taken from the pipeline being measured (with a fixed 0.1 s interval, three A/B runs of the
    10,000-article digest on 2 cores took 0-15 % longer than unmonitored ones; noisy). So the
    thread waits at least ``COST_FACTOR`` times as long as its last sample took, keeping its own
    share of one core under 1 / COST_FACTOR."""

    COST_FACTOR = 25

    def __init__(self, interval=0.25):
        self.interval, self.peak_mb = interval, float("nan")
        self._stop = threading.Event()
        self._wait = interval

    def _sample(self):
        import psutil
        start = time.perf_counter()
        me = psutil.Process()
        total = 0
        for proc in [me] + me.children(recursive=True):
            try:
                total += proc.memory_full_info().pss
            except (psutil.Error, AttributeError):
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
        self.peak_mb = max(self.peak_mb if self.peak_mb == self.peak_mb else 0, total / 2**20)
        self._wait = max(self.interval, self.COST_FACTOR * (time.perf_counter() - start))

    def _loop(self):
        while not self._stop.wait(self._wait):
            self._sample()

    def __enter__(self):
        try:
            import psutil  # noqa: F401
        except ImportError:
            return self
        self._sample()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if hasattr(self, "_thread"):
            self._thread.join()
            self._sample()


class Timer:
    """Accumulates wall time per stage across batches."""

    def __init__(self):
        self.seconds = {}
        self.task_seconds = {}      # Dask path: seconds the workers spent per stage
        self.workers_peak_mb = float("nan")

    @contextmanager
    def stage(self, name):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start


# --------------------------------------------------------------------------- the two pipelines

def run_ours(folder: Path, timer: Timer, figures: Path, *, seed: int = SEED, executor=None,
             shutdown=None) -> dict:
    """The workbench's stages on ``folder``: lib.scale.stream's one pass for the per-article stages, then
    the topic sweep on its paragraph sample and the charts.

    ``executor``: where the batches run (see lib.scale.stream.digest_folder); ``shutdown``: called after
    the sweep to stop its workers (timed as ``workers start/stop``) before the charts.
    """
    start = time.perf_counter()
    digest = stream.digest_folder(folder, executor=executor, batch_size=BATCH_SIZE, sample_size=TOPIC_SAMPLE,
                                  seed=seed, progress=_report_progress(start))
    _share_out(timer, time.perf_counter() - start, digest.task_seconds)
    if executor is not None:
        timer.workers_peak_mb = sum(digest.workers_peak_mb.values())
    with timer.stage("topic sweep"):
        sweep = topics.sweep_k(digest.units, TOPIC_KS, models=("nmf",), n_subsamples=TOPIC_SUBSAMPLES,
                               seed=seed, n_jobs=2)
        _shutdown_joblib_workers()        # their memory is not needed by the stages after the sweep
    if shutdown is not None:
        with timer.stage("workers start/stop"):
            shutdown()
    with timer.stage("charts"):
        use_style()
        chosen_k, _ = topics.choose_k(sweep)
        save_figure(plots.plot_k_sweep(sweep, n_units=len(digest.units), chosen_k=chosen_k), "k-sweep",
                    folder=figures)
        by_source = compare.stance_by_source(digest.pairs, digest.documents, n_boot=CHART_BOOT, seed=seed)
        targets = load_targets()
        labels = dict(zip(targets["target_id"], targets["label"]))
        save_figure(plots.plot_stance_by_source(by_source[by_source["voice"] != "all"], labels),
                    "stance-by-source", folder=figures)
    return {"articles": int((digest.documents["status"] == "ok").sum()), "paragraphs": digest.n_units,
            "pairs": len(digest.pairs)}


def _report_progress(start):
    """A progress callback for lib.scale.stream that prints every 100 batches (long runs only)."""
    def report(done, total):
        if done % 100 == 0:
            print(f"    per-article stages: {done}/{total} batches, {time.perf_counter() - start:.0f} s",
                  file=sys.stderr, flush=True)
    return report


def _share_out(timer: Timer, wall: float, task_seconds: dict) -> None:
    """Record the per-article phase's wall time over its stages in proportion to the time spent in
    each (on one process the two agree; on a cluster the workers' seconds add up to more)."""
    total = sum(task_seconds.values()) or 1.0
    for stage in PER_ARTICLE_STAGES:
        with timer.stage(stage):            # records the memory marks; the time is set below
            pass
        timer.seconds[stage] = wall * task_seconds.get(stage, 0.0) / total
    timer.task_seconds = dict(task_seconds)


def _shutdown_joblib_workers():
    """Stop joblib's reusable (loky) worker processes, which otherwise idle on with their memory."""
    from joblib.externals.loky import get_reusable_executor
    get_reusable_executor().shutdown(wait=True)


NAIVE_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def run_naive(folder: Path, timer: Timer, *, seed: int = SEED) -> None:
    """What a user would write without the workbench: read, regex sentences, online LDA.

    The LDA is scikit-learn's "Topic extraction with NMF and LDA" example as published: 1,000
    features, English stop words, 10 topics, online learning, 5 passes, over whole documents.
    """
    from sklearn.decomposition import LatentDirichletAllocation
    from sklearn.feature_extraction.text import CountVectorizer

    with timer.stage("naive read"):
        texts = [path.read_text(encoding="utf-8", errors="replace") for path in sorted(folder.rglob("*.txt"))]
    with timer.stage("naive sentence split"):
        n_sentences = sum(len(NAIVE_SENTENCE.split(text)) for text in texts)
    with timer.stage("naive online LDA"):
        counts = CountVectorizer(max_df=0.95, min_df=2, max_features=1000,
                                 stop_words="english").fit_transform(texts)
        LatentDirichletAllocation(n_components=10, max_iter=5, learning_method="online",
                                  learning_offset=50.0, random_state=seed).fit(counts)
    return n_sentences


# --------------------------------------------------------------------------- the report

def path_name(path) -> str:
    """A path is (kind, workers): ('process', 1), ('pool', N) or ('dask', N)."""
    kind, workers = path
    return {"process": "1 process", "pool": f"pool {workers} processes", "dask": f"dask {workers} workers"}[kind]


def bench_size(n_articles: int, *, seed: int = SEED, paths=(("process", 1),)) -> pd.DataFrame:
    """Generate one corpus, run our pipeline on it once per path (see :func:`path_name`) and the
    naive one once; one row per stage."""
    with tempfile.TemporaryDirectory(prefix="workbench-bench-") as tmp:
        folder = write_corpus(Path(tmp) / "corpus", n_articles, seed=seed)
        rows = []
        for path in paths:
            timer = Timer()
            figures = Path(tmp) / f"figures-{path[0]}-{path[1]}"
            with TreeMemory() as tree:
                marks = _measured(timer, lambda: _run_ours_on(path, folder, timer, figures, seed))
            rows += _rows(n_articles, "ours", timer, marks, path=path_name(path), tree_peak_mb=tree.peak_mb)
        naive = Timer()
        marks = _measured(naive, lambda: run_naive(folder, naive, seed=seed))
        rows += _rows(n_articles, "naive", naive, marks, path="1 process")
    return pd.DataFrame(rows)


def _run_ours_on(path, folder, timer, figures, seed):
    """run_ours in this process, on a pool of processes (forked: they start with this process's
    modules loaded) or on a Dask LocalCluster started for the run."""
    kind, workers = path
    if kind == "process":
        return run_ours(folder, timer, figures, seed=seed)
    with timer.stage("workers start/stop"):
        if kind == "pool":
            executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
            stop = executor.shutdown
        else:
            from distributed import Client, LocalCluster
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None)
            executor = Client(cluster)

            def stop():
                executor.close()
                cluster.close()
    try:
        return run_ours(folder, timer, figures, seed=seed, executor=executor, shutdown=stop)
    finally:
        stop()


def _in_fresh_process(n_articles, paths) -> pd.DataFrame:
    """:func:`bench_size` in a new Python process, so that no size inherits the memory of the one
    before (a high-water mark never goes down, and forked workers start with their parent's pages)."""
    with tempfile.TemporaryDirectory(prefix="workbench-bench-rows-") as tmp:
        out = Path(tmp) / "rows.csv"
        child = multiprocessing.get_context("spawn").Process(target=_bench_to_csv, args=(n_articles, paths, out))
        child.start()
        child.join()
        if child.exitcode != 0:
            raise SystemExit(f"the benchmark of {n_articles:,} articles stopped (exit code {child.exitcode})")
        return pd.read_csv(out)


def _bench_to_csv(n_articles, paths, out):
    bench_size(n_articles, paths=paths).to_csv(out, index=False)


def _measured(timer, run):
    """Run, recording the memory after each stage finishes (stages may interleave in batches)."""
    marks = {}
    original = timer.stage

    @contextmanager
    def stage(name):
        with original(name):
            yield
        marks[name] = (rss_mb(), peak_rss_mb())

    timer.stage = stage
    run()
    timer.stage = original
    return marks


def _rows(n_articles, pipeline, timer, marks, *, path, tree_peak_mb=float("nan")):
    return [{"articles": n_articles, "pipeline": pipeline, "path": path, "stage": stage,
             "seconds": round(seconds, 3),
             "articles_per_s": round(n_articles / seconds, 1) if seconds else float("inf"),
             "task_s": round(timer.task_seconds.get(stage, seconds if path == "1 process" else float("nan")), 3),
             "rss_mb": round(marks[stage][0]), "peak_rss_mb": round(marks[stage][1]),
             "workers_peak_mb": (round(timer.workers_peak_mb) if stage in timer.task_seconds
                                 and timer.workers_peak_mb == timer.workers_peak_mb else float("nan")),
             "tree_peak_mb": round(tree_peak_mb) if tree_peak_mb == tree_peak_mb else float("nan")}
            for stage, seconds in timer.seconds.items()]


def summarise(results: pd.DataFrame) -> pd.DataFrame:
    """Per size and path of ours: our total and the naive total, their ratio, stage-to-stage
    ratios, and peak memory (client high-water mark; client + workers sampled)."""
    ours, naive = results[results["pipeline"] == "ours"], results[results["pipeline"] == "naive"]
    naive_s = naive.groupby("articles")["seconds"].sum()
    naive_stage = naive.set_index(["articles", "stage"])["seconds"]
    rows = []
    for (n, path), group in ours.groupby(["articles", "path"], sort=False):
        stage = group.set_index("stage")["seconds"]
        total = group["seconds"].sum()
        rows.append({"articles": n, "path": path, "ours_s": round(total, 1),
                     "per_article_s": round(stage.reindex(PER_ARTICLE_STAGES).sum(), 1),
                     "naive_s": round(naive_s.get(n, float("nan")), 1),
                     "total_ratio": round(total / naive_s.get(n, float("nan")), 2),
                     "topics_vs_naive_lda": round(stage["topic sweep"] / naive_stage.get((n, "naive online LDA"), float("nan")), 2),
                     "segment_vs_regex_split": round(stage["segment"] / naive_stage.get((n, "naive sentence split"), float("nan")), 1),
                     "client_peak_mb": group["peak_rss_mb"].max(),
                     "tree_peak_mb": group["tree_peak_mb"].max()})
    return pd.DataFrame(rows).set_index(["articles", "path"])


def plot_growth(results: pd.DataFrame):
    """Log-log time against corpus size: our stages on the left (one line per stage, a line style
    per path when several ran), the naive pipeline's on the right beside both pipelines' totals;
    a dotted slope-1 line on each for reference."""
    import matplotlib.pyplot as plt

    use_style()
    fig, (ours_ax, naive_ax) = plt.subplots(1, 2, figsize=(11, 4.5), sharex=True, sharey=True)
    ours = results[results["pipeline"] == "ours"]
    naive = results[results["pipeline"] == "naive"]
    paths = list(dict.fromkeys(ours["path"]))
    styles = dict(zip(paths, ["-", "--", ":", "-."]))
    colours = {stage: f"C{i}" for i, stage in enumerate(dict.fromkeys(ours["stage"]))}
    for (path, stage), rows in ours.groupby(["path", "stage"], sort=False):
        label = stage if len(paths) == 1 else f"{stage} ({path})"
        ours_ax.plot(rows["articles"], rows["seconds"].clip(lower=1e-3), marker="o",
                     linestyle=styles.get(path, "-"), color=colours[stage], label=label)
    for i, (stage, rows) in enumerate(naive.groupby("stage", sort=False)):
        naive_ax.plot(rows["articles"], rows["seconds"].clip(lower=1e-3), marker="o", color=f"C{i}",
                      label=stage)
    for (pipeline, path), rows in results.groupby(["pipeline", "path"], sort=False):
        total = rows.groupby("articles")["seconds"].sum()
        ours_path = pipeline == "ours" and len(paths) > 1
        naive_ax.plot(total.index, total.to_numpy(), marker="s", linewidth=2.2, zorder=1,
                      color="black" if pipeline == "ours" else "grey",
                      linestyle=styles.get(path, "-") if pipeline == "ours" else "-",
                      label=f"{pipeline}, all stages" + (f" ({path})" if ours_path else ""))
    sizes = sorted(results["articles"].unique())
    for ax, title in ((ours_ax, "The workbench, per stage"), (naive_ax, "Naive pipeline, and the totals")):
        if len(sizes) > 1:
            ax.plot(sizes, [s / sizes[0] * 0.1 for s in sizes], color="grey", linewidth=0.8,
                    linestyle=":", label="linear (slope 1)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("articles")
        ax.set_title(title)
        ax.legend(fontsize=7)
    ours_ax.set_ylabel("wall time (s)")
    return fig


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="run the 1,000-article size only")
    parser.add_argument("--sizes", type=int, nargs="+", help="corpus sizes to run (default 1k, 10k, 100k)")
    parser.add_argument("--workers", type=int, nargs="+", default=[default_workers()],
                        help="per-article stages: 1 = this process, N > 1 = a pool of N processes; several "
                             f"values run each (default: the cores available, here {default_workers()})")
    parser.add_argument("--dask", type=int, nargs="*", default=[],
                        help="also run on a Dask LocalCluster of N worker processes, for each N given")
    parser.add_argument("--out", type=Path, default=BENCH_DIR, help="folder for latest.csv / latest.png")
    args = parser.parse_args(argv)
    sizes = args.sizes or (QUICK_SIZES if args.quick else SIZES)
    paths = [("process", 1) if n <= 1 else ("pool", n) for n in args.workers] + [("dask", n) for n in args.dask]
    pd.set_option("display.width", 160)
    results = []
    for n in sizes:
        print(f"--- {n:,} articles; our per-article stages on: "
              + ", ".join(map(path_name, paths)), flush=True)
        rows = _in_fresh_process(n, paths)
        print(rows.drop(columns=["articles"]).to_string(index=False), flush=True)
        results.append(rows)
        table = pd.concat(results, ignore_index=True)
        args.out.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out / "latest.csv", index=False)
    print("--- summary (ratio = ours / naive; client_peak_mb = this process's high-water mark, cumulative "
          "over the run; tree_peak_mb = client + worker processes, sampled)")
    print(summarise(table).to_string())
    save_figure(plot_growth(table), "latest", folder=args.out)
    print(f"wrote {args.out / 'latest.csv'} and {args.out / 'latest.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
