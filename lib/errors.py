"""One exception type per failure family; messages name the file and the problem."""


class WorkbenchError(Exception):
    """Base class for every error the workbench raises on purpose."""


class CorpusError(WorkbenchError):
    """The corpus folder cannot be used at all (missing, not a folder, nothing loadable)."""


class ManifestError(WorkbenchError):
    """manifest.csv exists but cannot be read (bad CSV, missing `file` column)."""
