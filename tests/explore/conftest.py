"""Small invented sentence tables for the explore views: three sources, two months, one undated
article, English and Chinese, written for these tests."""
import pandas as pd
import pytest

from lib.explore.search import SENTENCE_COLUMNS, month_of, token_spans

ARTICLES = [  # doc_id, source, date, sentences
    ("a1", "Harbor", "2025-01-10", ["Alibaba's Qwen is open source.", "Open-source models spread fast."]),
    ("a2", "Harbor", "2025-01-20", ["Qwen models grew again.", "The open source debate goes on."]),
    ("a3", "Harbor", "2025-02-03", ["Export controls tightened.", "Qwen rivals Llama."]),
    ("a4", "Harbor", "2025-02-14", ["Exports of chips fell.", "Nothing about models here."]),
    ("b1", "Pacific", "2025-01-05", ["DeepSeek released a model.", "Qwen trails DeepSeek, analysts said."]),
    ("b2", "Pacific", "", ["A quiet week for chips."]),
    ("c1", "Jinghua", "2025-02-01", ["阿里巴巴发布开源模型。", "开源社区欢迎通义千问。"]),
]


def make_sentences(articles=ARTICLES):
    """A sentence_table-shaped frame: each sentence its own paragraph, raw offsets 100 apart."""
    rows = []
    for doc_id, source, date, texts in articles:
        for para_idx, text in enumerate(texts):
            rows.append({"doc_id": doc_id, "para_idx": para_idx, "sent_idx": 0, "text": text,
                         "source": source, "date": date, "language": "zh" if doc_id == "c1" else "en",
                         "kind": "body", "ai_generated": False,
                         "voice": "indirect" if "said" in text else "author",
                         "tokens": [token for token, _, _ in token_spans(text)], "start": 0,
                         "offset_map": [[0, 100 * para_idx]]})
    frame = pd.DataFrame(rows)
    frame["month"] = month_of(frame["date"])
    frame["n_words"] = frame["tokens"].map(len)
    return frame[SENTENCE_COLUMNS]


@pytest.fixture(scope="session")
def sentences():
    return make_sentences()
