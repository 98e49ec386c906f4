"""The README's Python snippets and the examples run, unchanged, against the emulator."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from telnyx_reputation.testing import Emulator

PACKAGE = Path(__file__).resolve().parent.parent
SNIPPETS = re.findall(r"```python\n(.*?)```", (PACKAGE / "README.md").read_text(), re.S)
EXAMPLES = sorted((PACKAGE / "examples").glob("*.py"))


def run_python(args: list[str], emulator: Emulator) -> str:
    env = {**os.environ, "TELNYX_API_KEY": emulator.api_key, "TELNYX_BASE_URL": emulator.base_url}
    done = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_readme_has_snippets() -> None:
    assert len(SNIPPETS) >= 2


@pytest.mark.parametrize("index", range(len(SNIPPETS)))
def test_readme_snippet_runs(emulator: Emulator, index: int) -> None:
    run_python(["-c", SNIPPETS[index]], emulator)


def test_readme_quickstart_prints_both_numbers_with_their_data(emulator: Emulator) -> None:
    # Real data, not `None`: the quickstart refreshes the numbers it added before listing.
    lines = sorted(run_python(["-c", SNIPPETS[0]], emulator).strip().splitlines())
    assert len(lines) == 2, lines
    assert re.fullmatch(r"\+12025551234 (low|medium|high)", lines[0]), lines
    assert re.fullmatch(r"\+12025555678 (low|medium|high)", lines[1]), lines


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.name for e in EXAMPLES])
def test_example_runs(emulator: Emulator, example: Path) -> None:
    if example.name == "quickstart_async.py":  # reads numbers another example registers
        run_python([str(PACKAGE / "examples" / "quickstart.py")], emulator)
    printed = run_python([str(example)], emulator)
    assert "+1202555" in printed
    if example.name == "quickstart.py":  # real data: it refreshes what it added
        assert re.search(r"\+12025551234 (low|medium|high)", printed), printed
