"""Benchmark: time and memory of every stage on generated corpora of 1,000 to 100,000 articles.

``python -m lib.bench [--quick] [--sizes 1000 10000 ...] [--workers N ...]`` writes corpora into a
temporary folder (paragraphs resampled from ``seeds/`` with generated page furniture, repeated boilerplate, exact and
near duplicates and a share of Chinese text; fixed seed, nothing downloaded), runs the workbench's
stages on each, and prints per size and stage: wall time, articles per second and the process's
peak resident memory so far (``resource.getrusage``: a high-water mark, so it never goes down; the
``rss_mb`` column is the memory in use when the stage ended). In the same process and on the same
files it runs the pipeline a user would otherwise write (read each file whole, split sentences on a
regex, scikit-learn's topic-extraction example: online LDA over the unsegmented documents) and
prints our time as a ratio to it. Results go to ``data/bench/latest.csv`` and a log-log figure of
time against corpus size per stage, ``data/bench/latest.png``. ``--quick`` runs 1,000 only.

``--workers N`` chooses how the per-article stages (clean, segment, tokenize, stance scoring) run:
``1`` in this process, batch after batch; ``N > 1`` as one task per batch on a Dask
``LocalCluster(n_workers=N, threads_per_worker=1, processes=True)`` started for the run (its start-up
and shut-down, right after the per-article stages, are timed as the stage ``cluster start/stop``).
Several values run each path on the same files, e.g. ``--workers 1 2``. The default is the number of cores this process may use (``os.sched_getaffinity``),
so 2 on a 2-core machine and the single-process path on one core. Every row names its ``path``.
On the Dask path the stages of one batch run together in a task, so a stage's ``seconds`` is the wall
time of the parallel phase shared out in proportion to that stage's summed task time (``task_s``,
the seconds the workers spent in it); they add up to the phase's wall time.

Memory: ``rss_mb`` / ``peak_rss_mb`` are this (client) process only. ``workers_peak_mb`` is the sum of
each worker process's own high-water mark (``getrusage`` inside the worker). ``tree_peak_mb`` in the
summary is the largest total resident memory of this process and all its child processes (the
workers) sampled every 0.1 s with psutil during our pipeline: the figure to hold against a memory
budget (sampling can miss a spike shorter than 0.1 s).

The per-article stages (clean, segment, tokenize, stance) run in batches and keep only what the
corpus-level stages need, so their memory is flat in the number of articles; the topic sweep fits
NMF on a fixed-size sample of paragraphs (:data:`TOPIC_SAMPLE`), so its cost is bounded too.
"""
import argparse
import os
import re
import resource
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from lib import clean, compare, load, plots, segment, stance, topics
from lib.figures import save_figure, use_style
from lib.paths import DATA_DIR, SEEDS_DIR
from lib.targets import load_targets, match_targets
from lib.voice import tag_voice

SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000,)
SEED = 0
BATCH_SIZE = 200
N_SOURCES = 20
TOPIC_SAMPLE = 5_000          # paragraphs the NMF sweep is fitted on, whatever the corpus size
TOPIC_KS = (5, 10, 15, 20)
TOPIC_SUBSAMPLES = 5
CHART_BOOT = 200
PER_ARTICLE_STAGES = ("clean", "segment", "tokenize", "stance scoring")
STAGES = ("cluster start/stop", "load", "clean", "segment", "tokenize", "topic sweep", "stance scoring", "charts")
NAIVE_STAGES = ("naive read", "naive sentence split", "naive online LDA")
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
    """Peak total RSS of this process and its descendants, sampled in a thread (psutil)."""

    def __init__(self, interval=0.1):
        self.interval, self.peak_mb = interval, float("nan")
        self._stop = threading.Event()

    def _sample(self):
        import psutil
        me = psutil.Process()
        total = 0
        for proc in [me] + me.children(recursive=True):
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                pass
        self.peak_mb = max(self.peak_mb if self.peak_mb == self.peak_mb else 0, total / 2**20)

    def _loop(self):
        while not self._stop.wait(self.interval):
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

def run_ours(folder: Path, timer: Timer, figures: Path, *, seed: int = SEED, client=None) -> dict:
    """The workbench's stages on ``folder``; per-article stages batch by batch.

    ``client``: a ``distributed.Client``; the batches then run as tasks on its workers.
    """
    with timer.stage("load"):
        documents, _ = load.read_folder(folder)
    documents = documents[documents["status"] == "ok"]
    n_articles = len(documents)
    targets = load_targets()
    batches = [documents.iloc[start:start + BATCH_SIZE] for start in range(0, n_articles, BATCH_SIZE)]
    if client is None:
        results = [_per_article(batch, targets, timer) for batch in batches]
    else:
        results = _per_article_dask(client, batches, targets, timer)
        with timer.stage("cluster start/stop"):   # free the workers' memory before the sweep
            cluster = getattr(client, "cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()
    units = [result[0] for result in results]
    labelled = [result[1] for result in results]
    del results, batches
    documents = documents.drop(columns=["raw_text"])
    units = pd.concat(units, ignore_index=True)
    labelled = pd.concat(labelled, ignore_index=True)
    with timer.stage("topic sweep"):
        sample = units.sample(min(TOPIC_SAMPLE, len(units)), random_state=seed).sort_index()
        sweep = topics.sweep_k(sample.reset_index(drop=True), TOPIC_KS, models=("nmf",),
                               n_subsamples=TOPIC_SUBSAMPLES, seed=seed, n_jobs=2)
        _shutdown_joblib_workers()        # their memory is not needed by the stages after the sweep
    with timer.stage("charts"):
        use_style()
        chosen_k, _ = topics.choose_k(sweep)
        save_figure(plots.plot_k_sweep(sweep, n_units=len(sample), chosen_k=chosen_k), "k-sweep",
                    folder=figures)
        by_source = compare.stance_by_source(labelled, documents, n_boot=CHART_BOOT, seed=seed)
        labels = dict(zip(targets["target_id"], targets["label"]))
        save_figure(plots.plot_stance_by_source(by_source[by_source["voice"] != "all"], labels),
                    "stance-by-source", folder=figures)
    return {"articles": n_articles, "paragraphs": len(units), "pairs": len(labelled)}


def _shutdown_joblib_workers():
    """Stop joblib's reusable (loky) worker processes, which otherwise idle on with their memory."""
    try:
        from joblib.externals.loky import get_reusable_executor
        get_reusable_executor().shutdown(wait=True)
    except Exception:   # noqa: BLE001 - only a memory courtesy
        pass


def _per_article(batch: pd.DataFrame, targets: pd.DataFrame, timer: Timer | None = None):
    """Clean, segment, tokenize and score one batch: (topic units, scored pairs, seconds per stage,
    this process's pid and peak RSS in MB)."""
    timer = timer or Timer()
    with timer.stage("clean"):
        paragraphs, _, _ = clean.clean_documents(batch)
    with timer.stage("segment"):
        paragraphs = segment.detect_languages(paragraphs)
        sentences = segment.split_sentences(paragraphs)
    with timer.stage("tokenize"):
        tokens = segment.tokenize(sentences)
    with timer.stage("stance scoring"):
        labelled = _stance(sentences, targets)
    units = _topic_units(paragraphs, tokens, batch)
    return units, labelled, dict(timer.seconds), os.getpid(), peak_rss_mb()


def _per_article_dask(client, batches, targets, timer: Timer) -> list:
    """:func:`_per_article` of every batch as Dask tasks, at most 2 per worker in flight; results in
    batch order. Records the phase's wall time shared out over the stages (see the module's doc)."""
    from distributed import as_completed

    from lib.bench import _per_article as task   # by reference, also when run as __main__
    start = time.perf_counter()
    n_workers = max(1, len(client.scheduler_info()["workers"]))
    remote_targets = client.scatter(targets, broadcast=True)
    results, pending = [None] * len(batches), iter(enumerate(batches))
    index_of = {}

    def submit(queue):
        for i, batch in pending:
            future = client.submit(task, batch, remote_targets, pure=False)
            index_of[future.key] = i
            queue.add(future)
            return True
        return False

    queue, done = as_completed(), 0
    for _ in range(2 * n_workers):
        if not submit(queue):
            break
    for future in queue:
        results[index_of.pop(future.key)] = future.result()
        future.release()
        submit(queue)
        done += 1
        if done % 100 == 0:
            print(f"    per-article stages: {done}/{len(batches)} batches, "
                  f"{time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    wall = time.perf_counter() - start
    task = {stage: sum(result[2].get(stage, 0.0) for result in results) for stage in PER_ARTICLE_STAGES}
    peaks = {}
    for result in results:
        peaks[result[3]] = max(peaks.get(result[3], 0.0), result[4])
    total = sum(task.values()) or 1.0
    for stage in PER_ARTICLE_STAGES:
        with timer.stage(stage):            # records the memory marks; the time is set below
            pass
        timer.seconds[stage] = wall * task[stage] / total
    timer.task_seconds = task
    timer.workers_peak_mb = sum(peaks.values())
    return results


def _stance(sentences: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Window-scored (sentence, target) pairs of one batch, without the sentence text."""
    tagged = tag_voice(sentences)
    mentions = match_targets(tagged, targets)
    pairs = stance.find_pairs(tagged, mentions=mentions)
    scored = stance.score_window(pairs, tagged, mentions=mentions)
    return pairs[["doc_id", "para_idx", "sent_idx", "target_id", "voice"]].assign(
        label=scored["label"].to_numpy(), score=scored["score"].to_numpy())


def _topic_units(paragraphs: pd.DataFrame, tokens: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Topic units (lib.topics.topic_units' rows) of one batch: prose body and quoted paragraphs."""
    keep = paragraphs["kind"].isin(topics.DEFAULT_KINDS) & paragraphs["is_prose"] & ~(
        paragraphs["ai_generated"] & (paragraphs["kind"] != "ai_generated"))
    units = paragraphs.loc[keep, ["doc_id", "para_idx", "language", "kind"]]
    units = units.merge(documents[["doc_id", "source"]], on="doc_id")
    lists = segment.token_lists(tokens)
    units["tokens"] = [lists.get(key, []) for key in zip(units["doc_id"], units["para_idx"])]
    return units[units["tokens"].map(len) > 0]


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

def path_name(workers: int) -> str:
    return "1 process" if workers <= 1 else f"dask {workers} workers"


def bench_size(n_articles: int, *, seed: int = SEED, workers=(1,)) -> pd.DataFrame:
    """Generate one corpus, run our pipeline on it once per ``workers`` value and the naive one
    once; one row per stage."""
    with tempfile.TemporaryDirectory(prefix="workbench-bench-") as tmp:
        folder = write_corpus(Path(tmp) / "corpus", n_articles, seed=seed)
        rows = []
        for n_workers in workers:
            timer = Timer()
            with TreeMemory() as tree:
                marks = _measured(timer, lambda: _run_ours_with(n_workers, folder, timer,
                                                                Path(tmp) / f"figures-{n_workers}", seed))
            rows += _rows(n_articles, "ours", timer, marks, path=path_name(n_workers), tree_peak_mb=tree.peak_mb)
        naive = Timer()
        marks = _measured(naive, lambda: run_naive(folder, naive, seed=seed))
        rows += _rows(n_articles, "naive", naive, marks, path="1 process")
    return pd.DataFrame(rows)


def _run_ours_with(n_workers, folder, timer, figures, seed):
    """run_ours in this process (n_workers 1) or with a LocalCluster of n_workers processes."""
    if n_workers <= 1:
        return run_ours(folder, timer, figures, seed=seed)
    from distributed import Client, LocalCluster

    with timer.stage("cluster start/stop"):
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                               host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
    try:
        return run_ours(folder, timer, figures, seed=seed, client=client)   # closes both when done
    finally:
        client.close()
        cluster.close()


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
             "workers_peak_mb": round(timer.workers_peak_mb) if stage in timer.task_seconds else float("nan"),
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
    """Log-log time against corpus size, one line per stage (ours solid, naive dashed)."""
    import matplotlib.pyplot as plt

    use_style()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    multi = results.loc[results["pipeline"] == "ours", "path"].nunique() > 1
    for (pipeline, path, stage), rows in results.groupby(["pipeline", "path", "stage"], sort=False):
        if pipeline == "naive":
            style, label = "--", f"{stage} (naive)"
        else:
            style = ":" if multi and path == "1 process" else "-"
            label = f"{stage} ({path})"
        ax.plot(rows["articles"], rows["seconds"].clip(lower=1e-3), marker="o", linestyle=style, label=label)
    sizes = sorted(results["articles"].unique())
    if len(sizes) > 1:
        ax.plot(sizes, [sizes[0] and s / sizes[0] * 0.1 for s in sizes], color="grey", linewidth=0.8,
                linestyle=":", label="linear (slope 1)")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("articles")
    ax.set_ylabel("wall time (s)")
    ax.set_title("Time per stage against corpus size")
    ax.legend(fontsize=7, ncol=2)
    return fig


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="run the 1,000-article size only")
    parser.add_argument("--sizes", type=int, nargs="+", help="corpus sizes to run (default 1k, 10k, 100k)")
    parser.add_argument("--workers", type=int, nargs="+", default=[default_workers()],
                        help="per-article stages: 1 = this process; N > 1 = Dask LocalCluster of N worker "
                             "processes; several values run each (default: cores available, here "
                             f"{default_workers()})")
    parser.add_argument("--out", type=Path, default=BENCH_DIR, help="folder for latest.csv / latest.png")
    args = parser.parse_args(argv)
    sizes = args.sizes or (QUICK_SIZES if args.quick else SIZES)
    pd.set_option("display.width", 160)
    results = []
    for n in sizes:
        print(f"--- {n:,} articles; our per-article stages on: "
              + ", ".join(path_name(w) for w in args.workers), flush=True)
        rows = bench_size(n, workers=args.workers)
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
