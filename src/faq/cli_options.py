"""Options shared by the `faq` commands, defined once so every command spells and documents them alike."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from faq import config

F = TypeVar("F", bound=Callable[..., Any])


def _folder_option(name: str, env: str) -> Callable[[F], F]:
    return click.option(
        f"--{name}",
        f"{name}_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help=f"{name.capitalize()} folder. Default: ${env} or ./{name}.",
    )


index_option = _folder_option("index", config.INDEX_ENV)
knowledge_option = _folder_option("knowledge", config.KNOWLEDGE_ENV)


def folder_options(func: F) -> F:
    """--knowledge and --index, shared by every command that reads them."""
    return knowledge_option(index_option(func))


data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help=f"Where snapshots of changes go when knowledge/ is not in git. Default: ${config.DATA_ENV} or ./data.",
)


def editor_options(func: F) -> F:
    """--knowledge, --data and --by, shared by every command that edits the knowledge files."""
    func = click.option(
        "--by",
        "by",
        envvar=config.STAFF_NAME_ENV,
        required=True,
        help='Who makes the change: "Name" or "Name <email>" (the commit author). Default: $FAQ_STAFF_NAME.',
    )(func)
    return knowledge_option(data_option(func))


force_option = click.option("--force", is_flag=True, help="Save a phrasing even when it is closer to another entry.")
