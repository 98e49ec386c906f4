"""A real SMTP server (aiosmtpd) for the e-mail channel's TLS and AUTH tests.

    python smtp_server.py --tls starttls|tls --cert CERT.pem --key KEY.pem \
        --maildir DIR --events FILE --user NAME

Listens on 127.0.0.1, port chosen by the system, and prints that port as the only line it
ever writes to stdout (logs go to stderr, so an undrained stdout pipe cannot block it).
With `--tls starttls` it requires STARTTLS before MAIL and AUTH; with `--tls tls` every
connection is TLS from the first byte. It requires AUTH (PLAIN or LOGIN) for MAIL, checks
the credentials against `--user` and the password in the environment variable
SMTP_TEST_PASSWORD (never on the command line), stores each accepted message in the
maildir `DIR` and appends one JSON line per AUTH attempt and per accepted message to
`FILE`. It exits when its stdin closes (the test dropped it) or after 120 s, whichever
comes first.
"""

import argparse
import asyncio
import json
import os
import ssl
import sys
import threading

from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

LIFETIME_SECONDS = 120


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls", choices=["starttls", "tls"], required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--events", required=True)
    parser.add_argument("--user", required=True)
    args = parser.parse_args()
    password = os.environ["SMTP_TEST_PASSWORD"].encode()
    events_lock = threading.Lock()

    def record(event: dict) -> None:
        with events_lock, open(args.events, "a", encoding="utf-8") as out:
            out.write(json.dumps(event) + "\n")

    def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == args.user.encode()
            and auth_data.password == password
        )
        login = auth_data.login.decode(errors="replace") if auth_data else None
        record({"event": "auth", "mechanism": mechanism, "login": login, "ok": ok})
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    class Recording(Mailbox):
        async def handle_DATA(self, server, session, envelope) -> str:
            ssl_object = server.transport.get_extra_info("ssl_object")
            record(
                {
                    "event": "message",
                    "tls": ssl_object.version() if ssl_object is not None else None,
                    "authenticated": bool(session.authenticated),
                    "login": session.auth_data.login.decode() if session.auth_data else None,
                    "mail_from": envelope.mail_from,
                    "rcpt_tos": envelope.rcpt_tos,
                }
            )
            return await super().handle_DATA(server, session, envelope)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    handler = Recording(args.maildir)
    starttls = args.tls == "starttls"

    def protocol() -> SMTP:
        return SMTP(
            handler,
            hostname="localhost",
            tls_context=context if starttls else None,
            require_starttls=starttls,
            auth_required=True,
            # aiosmtpd counts only a STARTTLS upgrade as encryption; an implicit-TLS listener
            # is encrypted from the first byte, so no plain-text AUTH is possible there either.
            auth_require_tls=starttls,
            authenticator=authenticator,
            timeout=30,
        )

    async def serve() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(
            protocol, "127.0.0.1", 0, ssl=None if starttls else context
        )
        print(server.sockets[0].getsockname()[1], flush=True)
        stdin_closed = loop.create_future()

        def wait_for_eof() -> None:
            sys.stdin.buffer.read()
            loop.call_soon_threadsafe(stdin_closed.set_result, None)

        threading.Thread(target=wait_for_eof, daemon=True).start()
        try:
            await asyncio.wait_for(stdin_closed, LIFETIME_SECONDS)
        except asyncio.TimeoutError:
            pass
        server.close()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
