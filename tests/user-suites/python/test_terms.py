"""The README's pytest example, verbatim (with conftest.py), plus where the emulator came from."""

import sys

from telnyx_reputation import Client
from telnyx_reputation.testing import Emulator, find_command


def test_agreeing_to_the_terms(client: Client, emulator: Emulator) -> None:
    assert not client.terms_of_service.status("number_reputation").has_agreed
    client.terms_of_service.agree_number_reputation()
    assert client.terms_of_service.status("number_reputation").has_agreed
    assert emulator.ledger()["numbers_added"] == 0  # nothing billed


def test_the_emulator_comes_from_the_command_line_package() -> None:
    command = find_command()
    assert command[1:] == ["emulator"], command
    assert command[0].startswith(sys.prefix), (command, sys.prefix)
