"""Where things live. Nothing in the workbench relies on the current directory."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS_DIR = ROOT / "seeds"
DATA_DIR = ROOT / "data"
PROCESSED_DIR = DATA_DIR / "processed"
FIGURES_DIR = DATA_DIR / "figures"
TABLES_DIR = DATA_DIR / "tables"
RESOURCES_DIR = Path(__file__).resolve().parent / "resources"
