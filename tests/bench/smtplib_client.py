#!/usr/bin/python3
"""Sends one message file N times over ONE SMTP connection with Python's smtplib, for
run_delivery_bench.sh: the baseline a short script would give.

  smtplib_client.py --port PORT --message FILE [--messages 10000] [--starttls --ca-file CERT]
                    [--label TEXT]

Connects to 127.0.0.1:PORT (STARTTLS with the certificate verified against --ca-file when
asked), sends from dhr-actions@partnership.example.org to csp-team-N@agency.example.org, and
prints "RESULT <label> <delivered> <seconds> <messages per second>" (connect and QUIT
included in the time). Exit status 1 if any message was refused.
"""

import argparse
import smtplib
import ssl
import sys
import time


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--message", required=True, help="the message, CRLF line ends")
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--starttls", action="store_true")
    parser.add_argument("--ca-file")
    parser.add_argument("--label")
    args = parser.parse_args(argv)
    label = args.label or ("smtplib-starttls" if args.starttls else "smtplib-plaintext")
    with open(args.message, "rb") as f:
        message = f.read()
    sender = "dhr-actions@partnership.example.org"
    delivered = 0
    start = time.monotonic()
    with smtplib.SMTP("127.0.0.1", args.port, local_hostname="localhost") as client:
        if args.starttls:
            context = ssl.create_default_context(cafile=args.ca_file)
            client.starttls(context=context)
            client.ehlo()
        for n in range(args.messages):
            refused = client.sendmail(sender, [f"csp-team-{n % 300}@agency.example.org"],
                                      message)
            if not refused:
                delivered += 1
    seconds = time.monotonic() - start
    print(f"{label}: {args.messages} messages ({delivered} delivered) over one connection")
    print(f"RESULT {label} {delivered} {seconds:.3f} {delivered / seconds:.0f}")
    return 0 if delivered == args.messages else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
