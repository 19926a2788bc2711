#!/usr/bin/env python3
"""A local SMTP sink for tests and the demo: accepts every mail on 127.0.0.1 and never relays.

Usage: smtp_sink.py OUTDIR [PORT]. Prints "SMTP sink listening on 127.0.0.1:PORT" once ready.
Each mail is written to OUTDIR/NNN.eml, each attachment to OUTDIR/NNN-<filename> (decoded), and
the envelope to OUTDIR/NNN.envelope (MAIL FROM, then one RCPT TO per line). Runs until the
process is stopped.
"""
import email
import email.policy
import os
import signal
import socket
import sys
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = f"{self.count:03d}"
        with open(os.path.join(self.outdir, f"{n}.envelope"), "w", encoding="utf-8") as f:
            f.write("\n".join([envelope.mail_from, *envelope.rcpt_tos]) + "\n")
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        for part in message.iter_attachments():
            name = os.path.basename(part.get_filename() or "unbenannt")
            with open(os.path.join(self.outdir, f"{n}-{name}"), "wb") as f:
                f.write(part.get_payload(decode=True) or b"")
        # The whole mail last: a reader that sees the .eml finds the attachments already written.
        tmp = os.path.join(self.outdir, f".{n}.eml")
        with open(tmp, "wb") as f:
            f.write(envelope.content)
        os.rename(tmp, os.path.join(self.outdir, f"{n}.eml"))
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    port = int(sys.argv[2]) if len(sys.argv) > 2 else free_port()
    controller = Controller(Sink(outdir), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"SMTP sink listening on 127.0.0.1:{port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
