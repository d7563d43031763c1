"""One bounded-memory pass over a folder too large to load whole: what the corpus-level steps need.

``load_corpus`` keeps every article's raw text, paragraphs, sentences and tokens: right for a few
thousand articles, not for a newsroom archive (at 100,000 articles the long-format tokens alone are
about 150 million rows). :func:`digest_folder` runs the same per-article lib functions batch by
batch and keeps only

- ``documents``: one row per file (provenance, metadata, status, counts), without raw text;
- ``problems``: every problem found in a file, as in ``load_corpus``;
- ``units``: a uniform random sample of the topic units (lib.topics.topic_units' rows, tokens
  included) of at most ``sample_size`` paragraphs: the sample-then-fit route for topic models;
- ``pairs``: every (sentence, target) pair scored by the window method (lib.stance.methods), with its
  provenance (doc_id, para_idx, sent_idx, voice) but not its text;
- ``n_units``: how many topic units the whole corpus has (the sample's population);
- ``topics``: given ``topic_model`` (a lib.topics.TopicModel, e.g. fitted on the sample of an
  earlier pass), every topic unit's dominant topic under it (lib.topics.assign_topics): the
  "apply" step of sample, then fit, then apply; empty otherwise;
- ``task_seconds``: seconds spent per stage (load, clean, segment, tokenize, stance scoring, topic
  assignment), summed over batches: on a cluster, the workers' time, not the wall time.

Files are read twice: once to list and describe them (doc_ids, duplicates, metadata need the whole
folder), then again inside the batch that cleans them, so no raw text outlives its batch. A file
whose bytes change between the two reads stops the run with an error naming it.

The sample is the ``sample_size`` units with the smallest hash of (seed, doc_id, para_idx): uniform,
and the same whatever the batch size or order in which batches finish. Near-duplicate articles
(lib.corpus.flag_duplicate_articles compares paragraphs across the whole corpus) are not looked
for; byte-identical files are, as in ``load_corpus``.

``executor``: None runs the batches in this process; a ``concurrent.futures`` executor (a
``ProcessPoolExecutor`` on one machine) or a ``distributed.Client`` (a Dask cluster) runs each
batch as a task on its workers, at most two per worker in flight, so this process holds only
finished digests.

>>> digest = digest_folder("path/to/archive", sample_size=5000)        # doctest: +SKIP
>>> sweep = topics.sweep_k(digest.units, [5, 10, 15, 20], models=("nmf",))  # doctest: +SKIP
>>> model = topics.fit_topics(digest.units, topics.choose_k(sweep)[0])  # doctest: +SKIP
>>> every = digest_folder("path/to/archive", topic_model=model, stance=False).topics  # doctest: +SKIP
"""
import hashlib
import os
import resource
import time
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from lib.corpus import load
from lib.corpus.clean import pipeline as clean_pipeline, sources as clean_sources
from lib.corpus.build import concat_tables, Corpus, process_batch, sharing_a_source
from lib.errors import CorpusError
from lib.scale.distributed import score_stance
from lib.stance.methods import PAIR_KEY
from lib.stance.targets import load_targets
from lib.topics import model as topics

BATCH_SIZE = 200
SAMPLE_SIZE = topics.SWEEP_MAX_UNITS
STAGES = ("load", "clean", "segment", "tokenize", "stance scoring")
PAIR_COLUMNS = [*PAIR_KEY, "voice", "label", "score"]
COUNT_COLUMNS = ["doc_id", "clean_chars", "n_paragraphs", "n_sentences", "n_units"]
TOPIC_COLUMNS = ["doc_id", "para_idx", "topic", "share", "n_known"]


@dataclass
class Digest:
    """What :func:`digest_folder` keeps; see the module docstring."""

    documents: pd.DataFrame
    problems: pd.DataFrame
    units: pd.DataFrame
    pairs: pd.DataFrame
    n_units: int
    topics: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=TOPIC_COLUMNS))
    task_seconds: dict = field(default_factory=dict)
    workers_peak_mb: dict = field(default_factory=dict)


def digest_folder(folder, *, executor=None, batch_size=BATCH_SIZE, sample_size=SAMPLE_SIZE, seed=0,
                  targets=None, max_bytes=5_000_000, progress=None, topic_model=None,
                  stance=True) -> Digest:
    """Read, clean, segment, tokenize and score every article of ``folder`` in batches.

    In: the folder; ``executor`` (None: this process; a concurrent.futures executor, e.g.
    ``ProcessPoolExecutor(2)``; or a distributed.Client); ``batch_size`` articles per batch;
    ``sample_size`` topic units to keep; ``seed`` of the sample; ``targets`` (lib.stance.targets table,
    default the shipped file); ``progress``: called with (batches done, batches in all) after each
    batch; ``topic_model``: assign every topic unit its topic under this model; ``stance``: False
    skips stance scoring (``pairs`` stays empty), e.g. on a second pass that only assigns topics.
    Out: a :class:`Digest`.
    """
    targets = load_targets() if targets is None else targets
    executor, workers = _executor(executor)
    listing = load.list_files(folder)
    chunks = [(listing.files[at:at + batch_size],) for at in range(0, len(listing.files), batch_size)]
    read_chunks = [None] * len(chunks)
    for i, chunk in _completed(executor, _read_without_text, chunks, workers=workers, max_bytes=max_bytes,
                               manifest=listing.manifest):
        read_chunks[i] = chunk
    reads = [read for chunk in read_chunks for read in chunk["reads"]]
    documents, problems = load.assemble(listing, reads)
    documents = documents.drop(columns=["raw_text"])
    seconds = {"load": sum(chunk["seconds"] for chunk in read_chunks)}
    file_of = {shown: file for file, (shown, _, _) in zip(listing.files, reads)}
    del reads, read_chunks
    ok = documents[documents["status"] == "ok"]
    batches = [(ok.iloc[at:at + batch_size], [file_of[path] for path in ok["path"].iloc[at:at + batch_size]])
               for at in range(0, len(ok), batch_size)]
    # Cleaning's layer 5 compares each page with every other page of its source, wherever its batch
    # falls: a first pass counts the recurring lines of the sources with two or more pages.
    sharing = sharing_a_source(ok)
    line_batches = [(sharing.iloc[at:at + batch_size], [file_of[path] for path in sharing["path"].iloc[at:at + batch_size]])
                    for at in range(0, len(sharing), batch_size)]
    clock = time.perf_counter()
    source_counts = clean_sources.count_recurring(
        hashes for _, hashes in _completed(executor, _line_hashes, line_batches, workers=workers,
                                           max_bytes=max_bytes))
    seconds["count lines per source"] = time.perf_counter() - clock
    sample, pairs, counts, assigned, peaks = _Sample(sample_size), [], [], [], {}
    # Each batch is folded in as it arrives; a batch sent once the sample is full returns only the
    # units that can still enter it.
    for _, digest in _completed(executor, digest_batch, batches, workers=workers, progress=progress,
                                late=lambda: {"below": sample.threshold()}, targets=targets,
                                sample_size=sample_size, seed=seed, max_bytes=max_bytes,
                                topic_model=topic_model, stance=stance, source_counts=source_counts):
        sample.add(digest["units"])
        pairs.append(digest["pairs"])
        counts.append(digest["counts"])
        assigned.append(digest["topics"])
        for stage, spent in digest["seconds"].items():
            seconds[stage] = seconds.get(stage, 0.0) + spent
        peaks[digest["pid"]] = max(peaks.get(digest["pid"], 0.0), digest["peak_mb"])
    pairs = concat_tables(pairs or [pd.DataFrame(columns=PAIR_COLUMNS)])
    counts = concat_tables(counts or [pd.DataFrame(columns=COUNT_COLUMNS)])
    assigned = concat_tables(assigned or [pd.DataFrame(columns=TOPIC_COLUMNS)])
    documents = documents.merge(counts, on="doc_id", how="left")
    for column in COUNT_COLUMNS[1:]:
        documents[column] = documents[column].fillna(0).astype("int64")
    return Digest(documents, problems, sample.units(),
                  pairs.sort_values(PAIR_KEY, kind="stable").reset_index(drop=True),
                  int(counts["n_units"].sum()),
                  assigned.sort_values(["doc_id", "para_idx"], kind="stable").reset_index(drop=True),
                  seconds, peaks)


class _Sample:
    """The ``size`` units with the smallest sample keys among those added so far."""

    def __init__(self, size):
        self.size, self.kept = size, _no_units()

    def add(self, units):
        self.kept = _smallest_keys(concat_tables([self.kept, units]), self.size)

    def threshold(self):
        """The largest key a unit may have and still enter the sample (None: any)."""
        return int(self.kept["sample_key"].iloc[-1]) if len(self.kept) >= self.size else None

    def units(self):
        return self.kept.drop(columns=["sample_key"]).reset_index(drop=True)


def _line_hashes(batch: pd.DataFrame, files: list, *, max_bytes) -> np.ndarray:
    """What cleaning's layer 5 counts of one batch's pages (the batch re-read from its files)."""
    batch = batch.assign(raw_text=[_reread(file, sha256, max_bytes)
                                   for file, sha256 in zip(files, batch["sha256"])])
    return clean_pipeline.source_line_hashes(batch)


def digest_batch(batch: pd.DataFrame, files: list, *, targets, sample_size, seed, max_bytes,
                 below=None, topic_model=None, stance=True, source_counts=None) -> dict:
    """The per-article stages of one batch: ``batch`` holds the documents rows (without raw text)
    of ``files``, the listing entries they were read from. Returns a dict of units (the batch's
    ``sample_size`` units with the smallest sample keys, none above ``below``), pairs (empty
    without ``stance``), counts, topics (every unit's topic under ``topic_model``, empty without
    one), seconds per stage, and this process's pid and peak memory. ``source_counts``: the
    folder's recurring lines per source (cleaning's layer 5; None: this batch's pages only)."""
    seconds = {}
    clock = time.perf_counter()

    def lap(stage):
        nonlocal clock
        now = time.perf_counter()
        seconds[stage] = seconds.get(stage, 0.0) + now - clock
        clock = now

    batch = batch.assign(raw_text=[_reread(file, sha256, max_bytes)
                                   for file, sha256 in zip(files, batch["sha256"])])
    lap("load")
    paragraphs, removed, doc_meta, sentences, tokens = process_batch(batch, lap=lap, source_counts=source_counts)
    if stance:
        pairs = score_stance(sentences, targets)[PAIR_COLUMNS]
        lap("stance scoring")
    else:
        pairs = pd.DataFrame(columns=PAIR_COLUMNS)
    batch_corpus = Corpus(batch.drop(columns=["raw_text"]), paragraphs, sentences, tokens, removed,
                          pd.DataFrame())
    units = topics.topic_units(batch_corpus)
    units["sample_key"] = [_sample_key(seed, doc_id, para_idx)
                           for doc_id, para_idx in zip(units["doc_id"], units["para_idx"])]
    counts = pd.DataFrame({"doc_id": batch["doc_id"]}).merge(doc_meta[["doc_id", "clean_chars"]], on="doc_id", how="left")
    for column, table in (("n_paragraphs", paragraphs), ("n_sentences", sentences), ("n_units", units)):
        counts[column] = counts["doc_id"].map(table.groupby("doc_id").size())
    assigned = pd.DataFrame(columns=TOPIC_COLUMNS)
    if topic_model is not None and len(units):
        assigned = topics.assign_topics(topic_model, units)
        lap("topic assignment")
    if below is not None:
        units = units[units["sample_key"] <= below]
    return {"units": _smallest_keys(units, sample_size), "pairs": pairs, "counts": counts,
            "topics": assigned, "seconds": seconds, "pid": os.getpid(),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _read_without_text(files, *, max_bytes, manifest):
    """load.read_file of each file, its document without raw_text (kept small for the client), and
    the seconds it took: {"reads": [...], "seconds": s}."""
    start, reads = time.perf_counter(), []
    for file in files:
        shown, document, problems = load.read_file(file, max_bytes=max_bytes, manifest=manifest)
        if document is not None:
            document = {key: value for key, value in document.items() if key != "raw_text"}
        reads.append((shown, document, problems))
    return {"reads": reads, "seconds": time.perf_counter() - start}


def _reread(file, sha256, max_bytes) -> str:
    shown, document, _ = load.read_file(file, max_bytes=max_bytes)
    if document is None or document["sha256"] != sha256:
        raise CorpusError(f"{shown}: the file changed or disappeared while the folder was being read; "
                          "run again on a folder that is not being written to")
    return document["raw_text"]


def _sample_key(seed, doc_id, para_idx) -> int:
    digest = hashlib.blake2b(f"{seed}\x1f{doc_id}\x1f{para_idx}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _smallest_keys(units, n):
    return units.sort_values(["sample_key", "doc_id", "para_idx"], kind="stable").head(n)


def _no_units():
    return pd.DataFrame(columns=["doc_id", "para_idx", "source", "language", "kind", "ai_generated",
                                 "text", "tokens", "sample_key"])


def _completed(executor, function, calls, *, workers=1, progress=None, late=None, **settings):
    """Yield (index, function(*arguments, **settings, **late())) for every arguments in ``calls``:
    in order in this process (``executor`` None), or as they finish on ``executor``, at most two
    per worker (of ``workers``) in flight (so finished results, not queued inputs, fill this
    process's memory).
    ``late()`` gives settings read when each call is sent; ``progress(done, total)`` runs after
    each call."""
    late = late or dict
    if executor is None:
        for i, arguments in enumerate(calls):
            yield i, function(*arguments, **settings, **late())
            if progress:
                progress(i + 1, len(calls))
        return
    pending, running = iter(enumerate(calls)), {}

    def submit():
        for i, arguments in pending:
            running[executor.submit(function, *arguments, **settings, **late())] = i
            return

    for _ in range(2 * workers):
        submit()
    done = 0
    while running:
        finished, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in finished:
            done += 1
            yield running.pop(future), future.result()
            submit()
            if progress:
                progress(done, len(calls))


def _executor(executor):
    """(concurrent.futures executor or None, its number of workers) for ``executor``: a
    distributed.Client becomes its executor; another executor is taken to use every core."""
    if executor is None:
        return None, 1
    if hasattr(executor, "get_executor"):
        return executor.get_executor(pure=False), max(1, len(executor.scheduler_info()["workers"]))
    return executor, os.cpu_count() or 1
