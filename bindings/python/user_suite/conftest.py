"""A user's own suite, as the README shows it: the package's fixtures, nothing else. Under
``pytest -n 4`` each xdist worker starts its own emulator and each test gets its own account
and test clock."""

from telnyx_reputation.testing import client, emulator, emulator_server

__all__ = ["client", "emulator", "emulator_server"]
