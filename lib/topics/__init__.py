"""The topic stage: topic units, NMF/LDA fits, the k sweep (stability, NPMI coherence, diversity),
topic tables and per-source shares (``model``), and the coherence measures with their external
reference corpus (``coherence``).
"""
from lib._exports import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "model": ("DEFAULT_KINDS", "LDA_SWEEP_MAX_UNITS", "MODELS", "SWEEP_MAX_UNITS", "TopicError",
              "TopicModel", "assign_topics", "choose_k", "compare_at_k", "default_ks", "fit_topics",
              "fittable_ks", "language_shares", "no_topics_reason", "paragraph_topics", "relevance_terms",
              "representative_paragraphs", "source_shares", "sweep_k", "sweep_plan", "topic_robustness",
              "topic_stability", "topic_table", "topic_units", "units_to_model"),
    "coherence": ("coherence_table", "load_reference", "npmi"),
})
