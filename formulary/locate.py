"""Where in the learner's code something happened: the function and line to name.

A message that says "raised TypeError" teaches less than one that says "in
``softsign`` (drills/mine/activations.py, line 7)".  The learner's frame is the
innermost one that is not the engine's, the references', a library's or the
standard library's.
"""

from __future__ import annotations

import os
import sys
import sysconfig
import traceback
from pathlib import Path
from types import FrameType, TracebackType

_ROOT = Path(__file__).resolve().parent.parent
_NOT_THEIRS = tuple(
    os.path.join(os.path.realpath(p), "") for p in {
        str(_ROOT / "formulary"), str(_ROOT / "reference"),
        sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"],
        sys.prefix, sys.exec_prefix, sys.base_prefix,  # the environment itself (its bin/ scripts too)
    }
)


def _theirs(filename: str) -> bool:
    if filename.startswith("<"):
        return False
    return not os.path.realpath(filename).startswith(_NOT_THEIRS)


def _short(filename: str) -> str:
    try:
        return os.path.relpath(filename)
    except ValueError:
        return filename


def from_frames(frames: list[tuple[str, str, int]]) -> str:
    """``"`name` (file, line L)"`` for the innermost learner frame of (name, file, line), innermost last."""
    mine = [f for f in frames if _theirs(f[1])]
    if not mine:
        return ""
    name, filename, line = mine[-1]
    return f"`{name}` ({_short(filename)}, line {line})"


def of_exception(exc: BaseException) -> str:
    """Where ``exc`` was raised in the learner's code, or ''."""
    frames = [(f.name, f.filename, f.lineno or 0) for f in traceback.extract_tb(exc.__traceback__)]
    if isinstance(exc, SyntaxError) and exc.filename:
        frames.append(("<module>", exc.filename, exc.lineno or 0))
    return from_frames(frames)


def of_frame(frame: FrameType | None) -> str:
    """Where a running frame (a signal's) is in the learner's code, or ''."""
    frames = []
    while frame is not None:
        frames.append((frame.f_code.co_name, frame.f_code.co_filename, frame.f_lineno))
        frame = frame.f_back
    return from_frames(frames[::-1])


def last_frame(tb: TracebackType | None) -> str:
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return f"{_short(tb.tb_frame.f_code.co_filename)}, line {tb.tb_lineno}" if tb is not None else ""
