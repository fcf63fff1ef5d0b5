#!/usr/bin/python3
"""A real SMTP server for the email notifier's tests, on aiosmtpd (Debian's python3-aiosmtpd).

Listens on 127.0.0.1 at a port the kernel picks, and writes that port to <dir>/port once it
accepts connections (written to a temporary name and renamed, so a reader never sees half of
it). Every message accepted is written to <dir>/message-<n>.json with its envelope, whether it
arrived over TLS, the user and mechanism it authenticated with, and its raw text, again by
rename, before the server answers 250: a delivered message is on disk when the client hears so.

Recipients choose refusals: busy@... gets 451 (temporary), nobody@... gets 550 (permanent).
With --user/--password, AUTH (PLAIN, LOGIN) is required before MAIL. --tls starttls offers
STARTTLS and requires it; --tls implicit speaks TLS from the first byte.

Runs until stdin closes or SIGTERM, so it never outlives the test that started it.
"""
import argparse
import asyncio
import json
import os
import signal
import socket
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


def write_atomically(path, text):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.rename(tmp, path)


class Handler:
    def __init__(self, directory):
        self.directory = directory
        self.count = 0
        self.auth = {}  # id(session) -> (user, mechanism)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0]
        if local == "busy":
            return "451 4.3.0 Mailbox busy, try again later"
        if local == "nobody":
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        transport = server.transport
        tls = session.ssl is not None or (
            transport is not None and transport.get_extra_info("ssl_object") is not None)
        user, mechanism = self.auth.get(id(session), (None, None))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "tls": tls,
            "auth_user": user,
            "auth_mechanism": mechanism,
            "data": envelope.original_content.decode("utf-8", "replace"),
        }
        write_atomically(os.path.join(self.directory, "message-%d.json" % self.count),
                         json.dumps(record))
        return "250 Message accepted"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--tls", choices=["none", "starttls", "implicit"], default="none")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--user")
    parser.add_argument("--password")
    args = parser.parse_args()

    context = None
    if args.tls != "none":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    handler = Handler(args.dir)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and
              auth_data.login == (args.user or "").encode() and
              auth_data.password == (args.password or "").encode())
        if ok:
            handler.auth[id(session)] = (auth_data.login.decode(), mechanism)
        # handled=False: aiosmtpd then answers 535 itself (with True it would stay silent).
        return AuthResult(success=ok, handled=False)

    def factory():
        options = dict(hostname="localhost", ident="nightjar-test-smtp")
        if args.tls == "starttls":
            options.update(tls_context=context, require_starttls=True)
        if args.user:
            options.update(authenticator=authenticator, auth_required=True,
                           auth_require_tls=args.tls != "none")
        return SMTP(handler, **options)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    server = loop.run_until_complete(loop.create_server(
        factory, sock=sock, ssl=context if args.tls == "implicit" else None))
    write_atomically(os.path.join(args.dir, "port"), str(sock.getsockname()[1]))

    def on_stdin():
        if not sys.stdin.buffer.read1(4096):
            loop.stop()

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    loop.add_signal_handler(signal.SIGTERM, loop.stop)
    loop.run_forever()
    server.close()


if __name__ == "__main__":
    main()
