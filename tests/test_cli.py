"""The `faq` command as a whole: help for every command, README coverage, and the real console script."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

from faq.cli import cli

ROOT = Path(__file__).parent.parent
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_and_is_in_readme(name: str) -> None:
    command = cli.commands[name]
    assert command.help and len(command.help) > 40, f"`faq {name}` needs a useful help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"`faq {name} {param.opts[0]}` needs help text"
    assert f"faq {name}" in (ROOT / "README.md").read_text(), f"README must document `faq {name}`"


def test_console_script_end_to_end(tmp_path: Path, shipped_index: Path) -> None:
    """The installed `faq` script on the shipped knowledge: the issue's 'done when' commands.

    It starts from a copy of the session's build, so `faq build` reuses the tuned model (tuning is
    tested in test_tuning.py) instead of spending another minute or two tuning it again."""
    faq = str(Path(sys.executable).parent / "faq")  # the venv's script, whether or not the venv is activated
    shutil.copytree(shipped_index, tmp_path / "index")
    env = {**os.environ, "FAQ_KNOWLEDGE": str(ROOT / "knowledge"), "FAQ_INDEX": str(tmp_path / "index")}

    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([faq, *args], input=stdin, capture_output=True, text=True, env=env, timeout=300)

    validate = run("validate")
    assert validate.returncode == 0, validate.stdout + validate.stderr
    build = run("build")
    assert build.returncode == 0, build.stderr
    assert "The tuned model was reused (phrasings unchanged)." in build.stdout
    single = run("ask", "--json", "does dry needling hurt?")
    assert json.loads(single.stdout)["status"] == "answered"
    batch = run("ask", "--json", stdin="asdfgh\nwhat is dry needling\n")
    lines = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [line["status"] for line in lines] == ["no_answer", "answered"]
    assert lines[1]["answers"][0]["id"] == "what-is-dry-needling"
    assert "Traceback" not in single.stderr + batch.stderr


def test_help_is_fast_path(tmp_path: Path) -> None:
    """`faq --help` must not import the model stack (torch, FAISS)."""
    code = "import sys; from faq.cli import cli; print('torch' in sys.modules, 'faiss' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split() == ["False", "False"]
