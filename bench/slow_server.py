"""A snapshot server whose every response comes after a delay: hosts that answer slowly.

It serves DIR as `/<host>/<path>` with HEAD's own handler
(`pipeline.crawl.snapshot.SnapshotHandler`: the same mapping as `speerpunt --snapshot`),
each request on its own thread, each answered only after DELAY seconds, so requests
to different hosts (or two to one host) wait side by side. A crawl is routed to it with
`speerpunt run --snapshot DIR -s SPEERPUNT_SNAPSHOT=<its base URL>`: the add-on then
sends every request here instead of starting a server of its own.

It prints its base URL (`http://127.0.0.1:PORT`) on the first line of stdout and serves
until it is stopped (SIGTERM or SIGINT). With --log FILE it appends one line per request
to FILE: when it arrived and when its answer was sent (time.time()), and its path, so a
crawl's requests can be laid out on a time line (which waited for which).

Usage: python bench/slow_server.py [--delay SECONDS] [--log FILE] [DIR]
"""

import argparse
import signal
import sys
import threading
import time
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

from pipeline.crawl.snapshot import SNAPSHOT_DIR, SnapshotHandler


class SlowHandler(SnapshotHandler):
    """SnapshotHandler, each answer held back by `delay` seconds."""

    lock = threading.Lock()

    def __init__(self, *args, delay: float, log: Path | None, **kwargs):
        self.delay, self.log = delay, log
        super().__init__(*args, **kwargs)

    def do_GET(self):
        arrived = time.time()
        time.sleep(self.delay)
        super().do_GET()
        self.logged(arrived)

    def do_HEAD(self):
        arrived = time.time()
        time.sleep(self.delay)
        super().do_HEAD()
        self.logged(arrived)

    def logged(self, arrived: float) -> None:
        if self.log is not None:
            with self.lock, self.log.open("a", encoding="utf-8") as handle:
                handle.write(f"{arrived:.6f} {time.time():.6f} {self.path}\n")


class SlowServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a burst of connections is never refused by the listen backlog


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory", nargs="?", type=Path, default=SNAPSHOT_DIR)
    parser.add_argument("--delay", type=float, default=1.0, help="seconds (default 1)")
    parser.add_argument("--log", type=Path, help="append each request's times and path here")
    args = parser.parse_args(argv)
    handler = partial(SlowHandler, directory=str(args.directory.resolve()), delay=args.delay,
                      log=args.log)
    server = SlowServer(("127.0.0.1", 0), handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
