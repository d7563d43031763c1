"""What the workbench shows and writes: one figure style and byte-stable savers (``figures``),
every chart (``plots``), the evidence browser (``browser``), the offline HTML report (``pages``)
and the notebook runner behind ``make figures`` (``runner``).
"""
from lib._exports import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "figures": ("save_figure", "save_table", "use_style"),
    "browser": ("evidence_browser", "evidence_table", "evidence_view"),
    "pages": ("build_report",),
    "runner": ("notebook_paths", "run_all", "run_notebook"),
})
