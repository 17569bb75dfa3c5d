"""SIGINT, SIGTERM and SIGHUP: the run stops and publishes nothing.

`speerpunt` installs handle() for the three signals before it locks anything.
Outside a crawl it raises Interrupted at once, so staging stops and its
temporaries are removed. During a crawl (Twisted's reactor running; Scrapy's
own handlers, whose graceful stop would "finish" the spider with what it has,
are not installed) it stops the reactor, and the CLI raises Interrupted once
the crawl returns. While a Publication commits, the signal is held: the
commit is undone before Interrupted is raised, unless the commit point was
already passed. From the commit point on, a signal is too late to stop
anything: it is ignored while the command writes its report and exits 0.
"""

import contextlib
import signal
import sys

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(BaseException):
    """A signal stopped the command: exit 128 + signum, nothing published."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum

    def __str__(self) -> str:
        return f"interrupted by {signal.Signals(self.signum).name}; nothing was changed"


received: int | None = None
_held: "Hold | None" = None
_committed = False


class Hold:
    """The signals that arrived while held; none counts once past the commit point."""

    def __init__(self):
        self.signals: list[int] = []
        self.committed = False


def install() -> None:
    for signum in SIGNALS:
        signal.signal(signum, handle)


def handle(signum: int, frame) -> None:
    global received
    if _committed:
        return
    if received is None:
        received = signum
    if _held is not None:
        _held.signals.append(signum)
        return
    reactor = sys.modules.get("twisted.internet.reactor")
    if reactor is not None and reactor.running:
        reactor.callFromThread(reactor.crash)  # Interrupted is raised once the crawl returns
        return
    raise Interrupted(signum)


def check() -> None:
    """Raise Interrupted if a signal arrived while it could not be raised (during a crawl)."""
    if received is not None:
        raise Interrupted(received)


@contextlib.contextmanager
def held():
    """Hold the signals for the block (a Hold); raise Interrupted after it for one
    that arrived before hold.committed was set, drop one that arrived after."""
    global _held, _committed, received
    before = received
    _held = hold = Hold()
    try:
        yield hold
    finally:
        _committed = _committed or hold.committed
        _held = None
    if hold.signals and not hold.committed:
        raise Interrupted(hold.signals[0])
    received = before
