"""The stance stage: which targets a sentence mentions (``targets``), in whose voice (``voice``),
the stance methods and their evaluation (``methods``), the seeds' gold set (``gold``), the
written stance set (``written``), the target-aware classifier trained on it (``classifier``), its
evaluation on other labels (``transfer``), the labelling loop for your own corpus
(``labelling``), agreement between annotators (``agreement``), stance compared between sources
with intervals (``compare``), one stance per article checked against readers of whole articles
(``articles``), distinctive terms with keyword in context (``keyness``) and every measurement of the
classifier in one place (``yardsticks``).
"""
from lib._exports import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "methods": ("BASELINES", "LABELS", "METHODS", "PAIR_KEY", "SENTIMENT_BASELINES", "StanceError",
                "choose_method", "cross_validate", "f_scores", "find_pairs", "fit_tfidf_logreg",
                "gold_alignment", "label_pairs", "load_cues", "predict_chance", "predict_majority",
                "predict_tfidf_logreg", "predict_vader", "score_window"),
    "written": ("load_written_set",),
    "gold": ("GoldSet", "load_gold"),
    "classifier": ("StanceClassifier", "fit_classifier", "trained_classifier"),
    "transfer": ("clears_baselines", "transfer_evaluation"),
    "labelling": ("adjusted_shares", "as_sheet", "choose_model", "coder_agreement",
                  "evaluate_with_labels", "labeller", "read_sheets", "resolved_labels",
                  "retrain_with_labels", "sample_for_labelling", "with_context", "write_sheet"),
    "targets": ("load_targets", "match_targets"),
    "voice": ("canonical_speakers", "tag_voice", "who_is_quoted"),
    "agreement": ("agreement_table",),
    "compare": ("article_stance", "article_stance_by_voice", "evidence", "stance_by_source"),
    "articles": ("RULE", "Rule", "agreement_with_readings", "article_evaluation", "article_labels",
                 "check_on_your_readings", "load_readings", "reading_sheet", "sample_for_reading"),
    "keyness": ("distinctive_terms", "fightin_words", "kwic", "terms_in_context"),
    "yardsticks": ("behaviours", "gold_as_your_labels", "gold_transfer", "held_out_writers",
                   "load_suites", "reference_reader", "within_written"),
})
