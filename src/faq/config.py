"""Where things live: folders from options, then environment variables, then defaults."""

from __future__ import annotations

import os
from pathlib import Path

KNOWLEDGE_ENV = "FAQ_KNOWLEDGE"
INDEX_ENV = "FAQ_INDEX"
MODEL_ENV = "FAQ_MODEL"
DATA_ENV = "FAQ_DATA"
STAFF_NAME_ENV = "FAQ_STAFF_NAME"


def knowledge_dir(option: Path | None = None) -> Path:
    """The knowledge folder: the option, else $FAQ_KNOWLEDGE, else ./knowledge."""
    return option or Path(os.environ.get(KNOWLEDGE_ENV) or "knowledge")


def index_dir(option: Path | None = None) -> Path:
    """The index folder: the option, else $FAQ_INDEX, else ./index."""
    return option or Path(os.environ.get(INDEX_ENV) or "index")


def data_dir(option: Path | None = None) -> Path:
    """The data folder (snapshots of edited knowledge files, when knowledge/ is not in git): the option,
    else $FAQ_DATA, else ./data."""
    return option or Path(os.environ.get(DATA_ENV) or "data")


def model_name(configured: str) -> str:
    """The embedding model to use: $FAQ_MODEL when set, else the one in settings.yaml."""
    return os.environ.get(MODEL_ENV) or configured
