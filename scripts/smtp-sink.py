#!/usr/bin/env python3
"""A local SMTP server for tests (aiosmtpd): accepts every message on 127.0.0.1:PORT and
writes each to DIR as NAME.eml (the bytes received) and NAME.json (envelope, decoded
headers and text body, so a test needs no MIME parser of its own).

    smtp-sink.py PORT DIR

Run by scripts/with-smtp.sh, and by tests that need a server to come up later.
"""
import asyncio
import email
import email.policy
import itertools
import json
import os
import signal
import sys

from aiosmtpd.controller import Controller

COUNTER = itertools.count()


class Sink:
    def __init__(self, folder):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(msg["From"]),
            "to": str(msg["To"]),
            "subject": str(msg["Subject"]),
            "raw_headers": raw.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace"),
            "content_type": msg.get_content_type(),
            "charset": msg.get_content_charset(),
            "body": body.get_content() if body is not None else "",
        }
        name = "%d-%d-%d" % (os.getpid(), int(asyncio.get_running_loop().time() * 1000), next(COUNTER))
        # Written under a temporary name and renamed: a reader never sees half a file.
        for ext, data in ((".eml", raw), (".json", json.dumps(record, ensure_ascii=False).encode("utf-8"))):
            tmp = os.path.join(self.folder, "." + name + ext)
            with open(tmp, "wb") as f:
                f.write(data)
            os.rename(tmp, os.path.join(self.folder, name + ext))
        return "250 Message accepted"


def main():
    port, folder = int(sys.argv[1]), sys.argv[2]
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = asyncio.new_event_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.call_soon_threadsafe(stop.stop))
    stop.run_forever()
    controller.stop()


if __name__ == "__main__":
    main()
