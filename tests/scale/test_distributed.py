"""The Dask path gives the same tables as the single-process path (tests/fixtures/mini_corpus)."""
import socket
from dataclasses import fields
from pathlib import Path

import pandas as pd
import pytest

from lib.corpus.build import build_corpus, Corpus
from lib.scale.distributed import build_corpus_dask, score_stance, score_stance_dask
from lib.scale.stream import digest_folder

distributed = pytest.importorskip("distributed")

MINI = Path(__file__).parents[1] / "fixtures" / "mini_corpus"
CONNECT = socket.socket.connect
LOOPBACK = ("127.0.0.1", "::1", "localhost")


@pytest.fixture(autouse=True)
def loopback_only(no_network, monkeypatch):
    """The local cluster's scheduler, workers and client talk over loopback TCP; nothing else may."""
    def connect(sock, address, *args):
        if isinstance(address, tuple) and address[0] not in LOOPBACK:
            raise OSError("network access attempted during a test")
        return CONNECT(sock, address, *args)
    monkeypatch.setattr(socket.socket, "connect", connect)


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture(scope="module")
def single():
    return build_corpus(MINI)


@pytest.fixture(scope="module")
def on_dask(client):
    # Small partitions, so that the fixture's files really are spread over several tasks.
    return build_corpus_dask(MINI, client=client, files_per_partition=2, documents_per_partition=20)


@pytest.mark.parametrize("table", [field.name for field in fields(Corpus)])
def test_dask_corpus_equals_single_process(single, on_dask, table):
    pd.testing.assert_frame_equal(getattr(on_dask, table), getattr(single, table), check_exact=True)


def test_partitions_see_every_article_of_a_source(client, tmp_path):
    """The template sites' recurring lines (cleaning's layer 5) are found when a site's articles are
    spread over partitions of two documents."""
    from lib.corpus.clean.evaluate import template_documents
    for row in template_documents().itertuples():
        (tmp_path / row.source).mkdir(exist_ok=True)
        (tmp_path / f"{row.doc_id}.txt").write_text(row.raw_text, encoding="utf-8")
    single = build_corpus(tmp_path)
    on_dask = build_corpus_dask(tmp_path, client=client, files_per_partition=5, documents_per_partition=2)
    assert (single.removed["rule"] == "source.boilerplate").sum() >= 10
    for table in ("documents", "paragraphs", "removed"):
        pd.testing.assert_frame_equal(getattr(on_dask, table), getattr(single, table), check_exact=True)


def test_dask_stance_equals_single_process(single, client):
    sentences = single.analysed("sentences")
    expected = score_stance(sentences)
    assert len(expected) > 0
    pd.testing.assert_frame_equal(score_stance_dask(sentences, client=client, documents_per_partition=2),
                                  expected, check_exact=True)



def test_dask_digest_equals_single_process(client):
    single, on_dask = digest_folder(MINI, batch_size=2), digest_folder(MINI, batch_size=2, executor=client)
    assert len(on_dask.pairs) > 0
    for table in ("documents", "problems", "units", "pairs"):
        pd.testing.assert_frame_equal(getattr(on_dask, table), getattr(single, table), check_exact=True)
    assert on_dask.n_units == single.n_units
