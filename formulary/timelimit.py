"""A time limit on candidate code: a hung function is reported, not waited on forever.

``formulary check`` and ``formulary drill check`` run each check under
:func:`time_limit`.  When the time is up, a SIGALRM handler raises
:class:`CheckTimeout` in the running code, naming the learner's function and line:
"`softsign` did not return within 10 s (drills/mine/activations.py, line 7)".

CheckTimeout is a BaseException on purpose: the engine and hypothesis treat an
``Exception`` from a candidate as a failure to shrink and replay, and replaying a hang
would hang again.  The limit needs the main thread and a POSIX alarm; elsewhere (a
thread, Windows) it is a no-op and the check simply runs.  Code stuck inside one long
C call (a single enormous NumPy operation) is interrupted only when that call returns.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from formulary import locate

DEFAULT_SECONDS = 10.0  # drill check: one record, a learner waiting; the slowest record's check takes ~5 s loaded
CHECK_SECONDS = 30.0  # formulary check: whole chapters, often on a busy CI machine


class CheckTimeout(BaseException):
    """Candidate code did not return within the time limit; the message says where it was."""


@contextmanager
def time_limit(seconds: float | None, what: str = "the check") -> Iterator[None]:
    usable = (seconds and seconds > 0 and hasattr(signal, "SIGALRM")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        at = locate.of_frame(frame)
        name, _, place = at.partition(" ")
        raise CheckTimeout(f"{name or what} did not return within {seconds:g} s" + (f" {place}" if place else ""))

    previous = signal.signal(signal.SIGALRM, on_alarm)
    # and again every half second: a raise that lands in a callback (a gc hook) is swallowed by Python
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
