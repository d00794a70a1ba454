#!/usr/bin/python3
"""A loopback SMTP server for tests and benchmarks, on Debian's python3-aiosmtpd.

Stores each message it accepts as OUTDIR/<n>.eml, with its envelope in OUTDIR/<n>.json:
{"mail_from", "rcpt_tos", "auth_user", "connection", "tls"}; "connection" numbers the TCP
connections, so that a test can tell that several messages shared one.

  smtp_sink.py (--dir OUTDIR | --discard) [--port 0] [--port-file FILE] [--stats-file FILE]
               [--tls-cert CERT --tls-key KEY [--require-starttls] [--smtps]]
               [--auth-user U --auth-password-file F]
               [--reject-rcpt ADDRESS ...] [--tempfail-first N] [--delay-data SECONDS]
               [--refuse-sender REPLY] [--refuse-data REPLY] [--delay-rcpt SECONDS]

Binds 127.0.0.1 (port 0: a free one) and writes the port to --port-file once listening.
--delay-data waits after storing each message before answering 250 to its DATA, so that a test
can kill a client in the window where a message is delivered but not yet seen as accepted.
--refuse-sender answers every MAIL FROM with REPLY (e.g. "550 5.7.1 relaying denied");
--refuse-data answers the end of every message with REPLY instead of storing it;
--delay-rcpt waits this long before answering each RCPT TO (a server that stalls).
--discard (for benchmarks) accepts and counts messages but stores nothing; --stats-file is
written on exit with {"messages", "connections", "bytes"}: what was accepted.
Exits 0 on SIGTERM or SIGINT.
"""

import argparse
import asyncio
import itertools
import json
import logging
import os
import signal
import ssl
import sys
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword, TLSSetupException


def write_atomically(path, data):
    """Writes bytes so that a reader sees the whole file or none."""
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(data)
    os.replace(temporary, path)


class Sink:
    """The aiosmtpd handler: stores, rejects or defers messages as the options say."""

    def __init__(self, out_dir, reject_rcpt, tempfail_first, smtps, delay_data=0.0,
                 refuse_sender=None, refuse_data=None, delay_rcpt=0.0):
        self.out_dir = out_dir  # None: --discard, count messages but store nothing
        self.delay_data = delay_data
        self.refuse_sender = refuse_sender
        self.refuse_data = refuse_data
        self.delay_rcpt = delay_rcpt
        self.reject_rcpt = {address.lower() for address in reject_rcpt}
        self.tempfail_left = tempfail_first
        self.smtps = smtps
        self.messages = itertools.count(1)
        self.accepted = 0
        self.bytes = 0

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_sender:
            return self.refuse_sender
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.delay_rcpt > 0:
            await asyncio.sleep(self.delay_rcpt)
        if address.lower() in self.reject_rcpt:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.tempfail_left > 0:
            self.tempfail_left -= 1
            return "451 4.3.0 Temporary failure, try again later"
        if self.refuse_data:
            return self.refuse_data
        n = next(self.messages)
        content = envelope.original_content or envelope.content
        self.accepted = n
        self.bytes += len(content)
        if self.out_dir is not None:
            self.store(n, server, session, envelope, content)
        if self.delay_data > 0:
            await asyncio.sleep(self.delay_data)
        return f"250 2.0.0 OK: queued as {n}"

    def store(self, n, server, session, envelope, content):
        login = getattr(session.auth_data, "login", None)
        if isinstance(login, bytes):
            login = login.decode("utf-8", "replace")
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "auth_user": login,
            "connection": server.connection_number,
            "tls": self.smtps or session.ssl is not None,
        }
        write_atomically(os.path.join(self.out_dir, f"{n}.eml"), content)
        write_atomically(os.path.join(self.out_dir, f"{n}.json"),
                         json.dumps(record).encode())

    async def handle_exception(self, error):
        # A client refusing our certificate is what some tests want: no traceback for it.
        log = logging.getLogger("smtp_sink")
        if isinstance(error, TLSSetupException):
            log.info("TLS handshake failed: %s", error.__cause__)
            return "421 4.7.0 TLS handshake failed"
        log.warning("session error: %r", error)
        return f"500 Error: ({error.__class__.__name__}) {error}"


class CountedSMTP(SMTP):
    """One instance per TCP connection (STARTTLS keeps the instance), numbered from 1."""

    connections = itertools.count(1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.connection_number = next(CountedSMTP.connections)


def make_authenticator(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = auth_data.login == user and auth_data.password == password
        return AuthResult(success=ok, handled=False, auth_data=auth_data)
    return authenticate


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", help="where to store received messages")
    parser.add_argument("--discard", action="store_true",
                        help="store nothing, only count (for benchmarks); instead of --dir")
    parser.add_argument("--stats-file",
                        help="written on exit: messages, connections and bytes accepted")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--port-file", help="written with the port once listening")
    parser.add_argument("--tls-cert", help="certificate (PEM) for STARTTLS or --smtps")
    parser.add_argument("--tls-key", help="its private key (PEM)")
    parser.add_argument("--require-starttls", action="store_true",
                        help="refuse MAIL and AUTH before STARTTLS")
    parser.add_argument("--smtps", action="store_true",
                        help="implicit TLS from the first byte instead of STARTTLS")
    parser.add_argument("--auth-user", help="require AUTH PLAIN/LOGIN as this user")
    parser.add_argument("--auth-password-file", help="the password for --auth-user")
    parser.add_argument("--reject-rcpt", nargs="+", action="extend", default=[],
                        metavar="ADDRESS", help="answer 550 to RCPT TO these addresses")
    parser.add_argument("--tempfail-first", type=int, default=0, metavar="N",
                        help="answer 451 to the first N messages")
    parser.add_argument("--delay-data", type=float, default=0.0, metavar="SECONDS",
                        help="wait this long after storing each message before answering 250")
    parser.add_argument("--refuse-sender", metavar="REPLY",
                        help='answer every MAIL FROM with this, e.g. "550 5.7.1 relaying denied"')
    parser.add_argument("--refuse-data", metavar="REPLY",
                        help="answer the end of every message with this instead of storing it")
    parser.add_argument("--delay-rcpt", type=float, default=0.0, metavar="SECONDS",
                        help="wait this long before answering each RCPT TO")
    parser.add_argument("--verbose", action="store_true", help="log the SMTP dialogue")
    args = parser.parse_args(argv)
    if bool(args.dir) == bool(args.discard):
        parser.error("give either --dir or --discard")
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    if (args.require_starttls or args.smtps) and not args.tls_cert:
        parser.error("--require-starttls and --smtps need --tls-cert and --tls-key")
    if args.delay_data < 0 or args.delay_rcpt < 0:
        parser.error("--delay-data and --delay-rcpt must not be negative")
    if bool(args.auth_user) != bool(args.auth_password_file):
        parser.error("--auth-user and --auth-password-file go together")
    return args


async def serve(args):
    loop = asyncio.get_running_loop()
    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    authenticator = None
    if args.auth_user:
        with open(args.auth_password_file, "rb") as f:
            password = f.read().rstrip(b"\r\n")
        authenticator = make_authenticator(args.auth_user.encode(), password)

    handler = Sink(None if args.discard else args.dir, args.reject_rcpt, args.tempfail_first,
                   args.smtps, args.delay_data, args.refuse_sender, args.refuse_data,
                   args.delay_rcpt)

    def protocol():
        return CountedSMTP(
            handler,
            hostname="localhost",  # no getfqdn(): it can wait on DNS
            tls_context=None if args.smtps else tls,
            require_starttls=args.require_starttls and not args.smtps,
            # With --smtps the whole connection is TLS, which aiosmtpd cannot see.
            auth_require_tls=args.require_starttls and not args.smtps,
            auth_required=authenticator is not None,
            authenticator=authenticator,
            loop=loop,
        )

    server = await loop.create_server(protocol, host="127.0.0.1", port=args.port,
                                      ssl=tls if args.smtps else None)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
        write_atomically(args.port_file, f"{port}\n".encode())
    await stop.wait()
    server.close()
    await server.wait_closed()
    if args.stats_file:
        stats = {"messages": handler.accepted,
                 "connections": next(CountedSMTP.connections) - 1,
                 "bytes": handler.bytes}
        write_atomically(args.stats_file, (json.dumps(stats) + "\n").encode())


def main(argv):
    args = parse_arguments(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.ERROR,
                        format="smtp_sink: %(message)s")
    # With --smtps, AUTH is over TLS even though aiosmtpd cannot tell.
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    if args.dir:
        os.makedirs(args.dir, exist_ok=True)
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
