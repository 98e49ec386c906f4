"""A user's own test suite, as the README shows it: nothing but the installed packages
(`pip install telnyx-reputation telnyx-reputation-cli pytest`), the emulator found through the
command line package, one account per test. The pipeline runs it under `pytest -n 4` in a
fresh venv with no Rust on PATH."""

from telnyx_reputation.testing import async_client, client, emulator, emulator_server

__all__ = ["async_client", "client", "emulator", "emulator_server"]
