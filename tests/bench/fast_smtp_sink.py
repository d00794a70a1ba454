#!/usr/bin/python3
"""A minimal, fast loopback SMTP sink for delivery benchmarks: accepts and counts, stores nothing.

tests/integration/smtp_sink.py (aiosmtpd) costs about 1.5 ms of CPU per message, which caps
any client near 600 messages/s on this machine; this sink speaks just enough SMTP (EHLO/HELO,
STARTTLS, MAIL, RCPT, DATA, RSET, NOOP, QUIT) on a bare asyncio Protocol to take several
thousand messages/s, so that the clients are what is measured.

  fast_smtp_sink.py [--port 0] [--port-file FILE] [--tls-cert CERT --tls-key KEY]
                    [--stats-file FILE]

Binds 127.0.0.1 (port 0: a free one) and writes the port to --port-file once listening. With a
certificate it offers STARTTLS (not required). It advertises PIPELINING, as Postfix and
Exchange do, and answers every command of a pipelined group in one write. --stats-file is
written on exit with {"messages", "connections", "bytes"}. Exits 0 on SIGTERM or SIGINT.
"""

import argparse
import asyncio
import json
import os
import signal
import ssl
import sys

MAX_LINE = 4096


class Stats:
    messages = 0
    connections = 0
    bytes = 0


class SinkProtocol(asyncio.BufferedProtocol):
    # A BufferedProtocol reads into one buffer per connection: a plain Protocol has asyncio
    # allocate 256 KiB per read, which glibc maps and unmaps each time (a TLB shootdown, costly
    # on a virtual machine) and which made this sink slower than its clients.
    def __init__(self, tls):
        self.tls = tls
        # A memoryview: asyncio's TLS layer reads into slices of it, which of a bytearray
        # would be copies.
        self.read_buffer = memoryview(bytearray(65536))
        self.transport = None
        self.buffer = b""
        self.in_data = False
        self.upgrading = False
        self.secure = False

    def connection_made(self, transport):
        self.transport = transport
        Stats.connections += 1
        transport.write(b"220 localhost ESMTP fast_smtp_sink\r\n")

    def ehlo_reply(self):
        lines = ["250-localhost", "250-PIPELINING", "250-SIZE 33554432", "250-8BITMIME"]
        if self.tls is not None and not self.secure:
            lines.append("250-STARTTLS")
        lines.append("250 SMTPUTF8")
        return ("\r\n".join(lines) + "\r\n").encode()

    def get_buffer(self, sizehint):
        return self.read_buffer

    def buffer_updated(self, nbytes):
        self.data_received(bytes(self.read_buffer[:nbytes]))

    def data_received(self, data):
        self.buffer += data
        if self.upgrading:
            # The TLS transport can pass on the client's first command before start_tls()
            # returns it: keep it until then.
            return
        replies = []
        while True:
            if self.in_data:
                # The buffer starts with a CRLF put there at DATA, so that an empty message
                # (".\r\n" at once) ends the same way as any other.
                end = self.buffer.find(b"\r\n.\r\n")
                if end < 0:
                    break
                Stats.messages += 1
                Stats.bytes += end
                self.buffer = self.buffer[end + 5:]
                self.in_data = False
                replies.append(b"250 2.0.0 OK: queued as %d\r\n" % Stats.messages)
                continue
            end = self.buffer.find(b"\r\n")
            if end < 0:
                if len(self.buffer) > MAX_LINE:
                    replies.append(b"500 5.5.0 Line too long\r\n")
                    self.buffer = b""
                break
            line = self.buffer[:end]
            self.buffer = self.buffer[end + 2:]
            verb = line[:4].upper()
            if verb in (b"EHLO",):
                replies.append(self.ehlo_reply())
            elif verb == b"HELO":
                replies.append(b"250 localhost\r\n")
            elif verb == b"MAIL":
                replies.append(b"250 2.1.0 OK\r\n")
            elif verb == b"RCPT":
                replies.append(b"250 2.1.5 OK\r\n")
            elif verb == b"DATA":
                replies.append(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                self.in_data = True
                self.buffer = b"\r\n" + self.buffer
            elif verb in (b"RSET", b"NOOP"):
                replies.append(b"250 2.0.0 OK\r\n")
            elif verb == b"QUIT":
                replies.append(b"221 2.0.0 Bye\r\n")
                self.transport.write(b"".join(replies))
                self.transport.close()
                return
            elif line[:8].upper() == b"STARTTLS" and self.tls is not None and not self.secure:
                replies.append(b"220 2.0.0 Ready to start TLS\r\n")
                self.transport.write(b"".join(replies))
                self.upgrading = True
                self.buffer = b""  # anything pipelined after STARTTLS is dropped (RFC 3207)
                asyncio.get_running_loop().create_task(self.start_tls())
                return
            else:
                replies.append(b"502 5.5.2 Command not implemented\r\n")
        if replies:
            self.transport.write(b"".join(replies))

    async def start_tls(self):
        loop = asyncio.get_running_loop()
        try:
            transport = await loop.start_tls(self.transport, self, self.tls, server_side=True)
        except (OSError, ssl.SSLError, ConnectionError):
            self.transport.abort()
            return
        self.transport = transport
        self.secure = True
        self.upgrading = False
        self.data_received(b"")


def write_atomically(path, data):
    temporary = path + ".tmp"
    with open(temporary, "wb") as f:
        f.write(data)
    os.replace(temporary, path)


async def serve(args):
    loop = asyncio.get_running_loop()
    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    server = await loop.create_server(lambda: SinkProtocol(tls), host="127.0.0.1",
                                      port=args.port)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    if args.port_file:
        write_atomically(args.port_file, f"{server.sockets[0].getsockname()[1]}\n".encode())
    await stop.wait()
    server.close()
    if args.stats_file:
        stats = {"messages": Stats.messages, "connections": Stats.connections,
                 "bytes": Stats.bytes}
        write_atomically(args.stats_file, (json.dumps(stats) + "\n").encode())


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--port-file", help="written with the port once listening")
    parser.add_argument("--tls-cert", help="certificate (PEM): offer STARTTLS")
    parser.add_argument("--tls-key", help="its private key (PEM)")
    parser.add_argument("--stats-file", help="written on exit: messages, connections, bytes")
    args = parser.parse_args(argv)
    if bool(args.tls_cert) != bool(args.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
