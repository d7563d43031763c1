"""The stance stage: which targets a sentence mentions (``targets``), in whose voice (``voice``),
the stance methods and their evaluation (``methods``), agreement between annotators
(``agreement``), stance compared between sources with intervals (``compare``) and distinctive
terms with keyword in context (``keyness``).
"""
from lib._exports import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "methods": ("BASELINES", "LABELS", "METHODS", "PAIR_KEY", "SENTIMENT_BASELINES", "StanceError",
                "choose_method", "cross_validate", "f_scores", "find_pairs", "fit_tfidf_logreg",
                "gold_alignment", "label_pairs", "load_cues", "predict_chance", "predict_majority",
                "predict_tfidf_logreg", "predict_vader", "score_window"),
    "targets": ("load_targets", "match_targets"),
    "voice": ("tag_voice", "who_is_quoted"),
    "agreement": ("agreement_table",),
    "compare": ("article_stance", "evidence", "stance_by_source"),
    "keyness": ("fightin_words", "kwic"),
})
