"""The Python column of ``docs/parity.md``: every name it lists exists on the real classes
and instances, so a call or option missing from the binding fails here.

Nothing is sent: the clients point at a closed loopback port, and only handles, pagers and
signatures are touched (how a cell reads is explained at the top of the table).
"""

from __future__ import annotations

import functools
import inspect
import re
from pathlib import Path
from typing import Any

import pytest

import telnyx_reputation
import telnyx_reputation.testing
from telnyx_reputation import AsyncClient, Client, errors, models, webhooks

TABLE = Path(__file__).resolve().parents[3] / "docs" / "parity.md"
PLACEHOLDERS: dict[str, Any] = {
    "": (),
    "id": ("4a6192a4-573d-446d-b3ce-aff9117272a6",),
    "n": ("+12025550000",),
}
# A value no option takes (each refuses it by type), and a name no call takes.
WRONG_TYPE: dict[str, list[int]] = {"parity": [1]}
UNKNOWN = "parity_unknown_option"
SEGMENT = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:\((?P<args>[^()]*)\))?$")


def table_rows() -> list[tuple[int, str, str]]:
    """``(line, what, python cell)`` of every row that has a Python name."""
    rows: list[tuple[int, str, str]] = []
    in_table = False
    for number, line in enumerate(TABLE.read_text().splitlines(), start=1):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not line.startswith("|"):
            in_table = False
        elif cells[0] == "call or option":
            in_table = cells[1:4] == ["Rust", "Python", "Node"]
        elif in_table and not set(line) <= set("|- "):
            python = cells[2]
            if python != "—":
                rows.append((number, cells[0], python.strip("`")))
    return rows


@functools.cache
def roots() -> dict[str, Any]:
    options: dict[str, Any] = {
        "api_key": "KEY_parity",
        "base_url": "http://127.0.0.1:9/v2",
        "max_retries": 0,
    }
    client = Client(**options)
    try:
        client.reputation("not-a-uuid").settings()
    except errors.TelnyxReputationError as raised:
        err = raised
    return {
        "telnyx_reputation": telnyx_reputation,
        "Client": Client,
        "AsyncClient": AsyncClient,
        "errors": errors,
        "models": models,
        "webhooks": webhooks,
        "testing": telnyx_reputation.testing,
        "client": client,
        "aclient": AsyncClient(**options),
        "err": err,
    }


def split_path(path: str) -> list[str]:
    """``a.b(x).c`` as ``["a", "b(x)", "c"]`` (dots inside parentheses kept)."""
    parts, depth, current = [], 0, ""
    for char in path:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "." and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [*parts, current]


def refusal(call: Any, keyword: str) -> str | None:
    """How ``call`` refuses ``keyword=WRONG_TYPE`` (with the keyword's name masked), or
    ``None`` when it takes it."""
    base = {"api_key": "KEY_parity", "base_url": "http://127.0.0.1:9/v2"}
    arguments = {**(base if isinstance(call, type) else {}), keyword: WRONG_TYPE}
    try:
        call(**arguments)
    except Exception as error:  # noqa: BLE001 - any refusal is compared, whatever its class
        return f"{type(error).__name__}: {str(error).replace(keyword, '<name>')}"
    return None


def takes_keyword(call: Any, keyword: str) -> bool:
    """``keyword`` is a named parameter of ``call``, or ``call`` takes ``**options`` and
    refuses a wrong-typed value for it differently from an unknown name."""
    parameters = inspect.signature(call).parameters
    if keyword in parameters:
        return True
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return False
    return refusal(call, keyword) != refusal(call, UNKNOWN)


def resolve(path: str, found: dict[str, Any]) -> str | None:
    """``None`` when the cell resolves, else what is missing."""
    segments = split_path(path)
    first = SEGMENT.match(segments[0])
    if first is None or first["name"] not in found:
        return f"unknown root in {path!r}"
    value = found[first["name"]]
    for index, segment in enumerate(segments):
        match = SEGMENT.match(segment)
        if match is None:
            return f"cannot read segment {segment!r}"
        name, args = match["name"], match["args"]
        last = index == len(segments) - 1
        if index > 0:
            if not hasattr(value, name):
                return f"{type(value).__name__} has no {name!r}"
            value = getattr(value, name)
        if args is None:
            continue
        if args.endswith("="):
            keyword = args[:-1]
            if not last:
                return f"a keyword check must end the path: {segment!r}"
            if not takes_keyword(value, keyword):
                return f"{name} takes no keyword {keyword!r}"
            return None
        if args not in PLACEHOLDERS:
            return f"unknown placeholder {args!r}"
        value = value(*PLACEHOLDERS[args])
    return None


ROWS = table_rows()


def test_the_table_has_rows() -> None:
    assert len(ROWS) > 100


@pytest.mark.parametrize(("line", "what", "cell"), ROWS, ids=[f"{r[0]}:{r[2]}" for r in ROWS])
def test_the_python_name_exists(line: int, what: str, cell: str) -> None:
    problem = resolve(cell, roots())
    assert problem is None, f"docs/parity.md:{line} ({what}) `{cell}`: {problem}"


def test_a_missing_name_or_keyword_is_reported() -> None:
    found = roots()
    assert resolve("client.reputation(id).numbers.refresh_all", found) is None
    assert "no 'refresh_everything'" in str(
        resolve("client.reputation(id).numbers.refresh_everything", found)
    )
    assert "no keyword 'colour'" in str(resolve("client.enterprises.list(colour=)", found))
    assert "no keyword 'retry_forever'" in str(resolve("Client(retry_forever=)", found))
