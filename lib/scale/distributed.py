"""The per-article stages on a Dask cluster, with the same results as the single-process path.

Reading, cleaning, segmenting and stance scoring are pure functions of one article, so they can run
anywhere: here they run as dask.bag tasks over the very lib functions that :func:`lib.corpus.build_corpus`
calls, and the corpus-level steps (unique doc_ids, files and articles saved twice, counts) run on
the client afterwards, as in the single-process path. The one cleaning rule that compares articles
(lines recurring across a source's documents) gets its counts from a first round of tasks over
every partition, merged on the client and sent with the cleaning tasks, so partitions see the whole
folder as one process does. The tables equal ``build_corpus``'s.

>>> from distributed import Client, LocalCluster          # doctest: +SKIP
>>> client = Client(LocalCluster(n_workers=2, threads_per_worker=1))   # doctest: +SKIP
>>> corpus = build_corpus_dask("path/to/folder", client=client)        # doctest: +SKIP
>>> pairs = score_stance_dask(corpus.analysed("sentences"), client=client)  # doctest: +SKIP

Topic models are corpus-level: fit them on a sample of paragraphs (a few thousand suffice to find
the topics; :func:`lib.topics.sweep_k` on ``units.sample(5000)``) and, if every paragraph needs
its weights, apply the fitted model to the rest partition by partition with
:func:`lib.topics.assign_topics` (:func:`lib.scale.stream.digest_folder` does so batch by batch when
given ``topic_model``).
"""
import dask.bag as db
import pandas as pd

from lib.corpus import build as corpus_module, load
from lib.corpus.clean import pipeline as clean_pipeline, sources as clean_sources
from lib.stance import methods as stance
from lib.stance.targets import match_targets
from lib.stance.voice import tag_voice

FILES_PER_PARTITION = 500
DOCUMENTS_PER_PARTITION = 25 * corpus_module.BATCH_SIZE


def build_corpus_dask(folder, *, client=None, max_bytes=5_000_000, files_per_partition=FILES_PER_PARTITION,
                      documents_per_partition=DOCUMENTS_PER_PARTITION):
    """:func:`lib.corpus.build_corpus` with files read, cleaned and segmented as Dask tasks.

    ``client``: a ``distributed.Client`` (of a LocalCluster, or connected to a scheduler's
    address); None runs the tasks on Dask's default scheduler (the client created last in this
    session, else a local process pool, which needs a script's ``if __name__ == "__main__":``
    guard). Returns a :class:`lib.corpus.Corpus` equal to build_corpus's.
    """
    listing = load.list_files(folder)
    read = _compute(db.from_sequence(listing.files, partition_size=files_per_partition)
                    .map(load.read_file, max_bytes=max_bytes, manifest=listing.manifest), client)
    documents, problems = load.assemble(listing, read)
    to_clean = documents[documents["status"] == "ok"]
    count_chunks = _chunks(corpus_module.sharing_a_source(to_clean), documents_per_partition)
    hashes = _compute(count_chunks.map(clean_pipeline.source_line_hashes), client)
    source_counts = clean_sources.count_recurring(hashes)
    parts = _compute(_chunks(to_clean, documents_per_partition)
                     .map(corpus_module.clean_and_segment, source_counts=source_counts), client)
    tables = (corpus_module.concat_tables(list(tables)) for tables in zip(*parts))
    return corpus_module.assemble_corpus(documents, problems, *tables)


def score_stance(sentences: pd.DataFrame, targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every (sentence, target) pair of ``sentences`` scored by the window method.

    In: corpus sentences (e.g. ``corpus.analysed("sentences")``); targets (lib.stance.targets table,
    default the shipped file). Out: the pairs of
    :func:`lib.stance.find_pairs` (sorted by doc_id, para_idx, sent_idx, target_id) with label,
    score and evidence from :func:`lib.stance.score_window`. Pure per article: the Dask version
    gives the same table.
    """
    tagged = tag_voice(sentences)
    mentions = match_targets(tagged, targets)
    pairs = stance.find_pairs(tagged, mentions=mentions)
    scored = stance.score_window(pairs, tagged, mentions=mentions)
    return pairs.assign(label=scored["label"], score=scored["score"], evidence=scored["evidence"])


def score_stance_dask(sentences: pd.DataFrame, *, client=None,
                      documents_per_partition: int = DOCUMENTS_PER_PARTITION) -> pd.DataFrame:
    """:func:`score_stance` with the articles split into Dask tasks; the same table."""
    doc_ids = pd.unique(sentences["doc_id"])
    groups = [doc_ids[start:start + documents_per_partition]
              for start in range(0, max(len(doc_ids), 1), documents_per_partition)]
    chunks = [sentences[sentences["doc_id"].isin(group)] for group in groups]
    parts = _compute(db.from_sequence(chunks, npartitions=len(chunks)).map(score_stance), client)
    scored = corpus_module.concat_tables(list(parts))
    return scored.sort_values(stance.PAIR_KEY, kind="stable").reset_index(drop=True)


def _chunks(documents: pd.DataFrame, size: int) -> db.Bag:
    """A bag of ``documents`` in consecutive slices of ``size`` rows, one per partition."""
    chunks = [documents.iloc[start:start + size] for start in range(0, max(len(documents), 1), size)]
    return db.from_sequence(chunks, npartitions=len(chunks))


def _compute(bag, client):
    """Results of ``bag`` in order, on ``client`` when given."""
    return client.compute(bag).result() if client is not None else bag.compute()
