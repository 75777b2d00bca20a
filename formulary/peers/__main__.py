"""``python -m formulary.peers OUT.json [PEER ...]``: every peer's results, for the report.
``python -m formulary.peers --retriage OUT.json``: today's triage applied to the results in OUT.json
(statuses and counts recomputed from the recorded checks; nothing is run again).

Each peer runs in a worker process of its own, two at a time (JAX and TensorFlow each
load a runtime that the other need not share; two workers fill two cores).  Beside its
per-record results a framework peer (JAX, TensorFlow) gets its float64 accuracy against
the mpmath oracle on the records' accuracy classes, and the TensorFlow worker also runs
the independent judges (``cnn.pad.same``, ``loss.*/guide``) on impl, recording which judge
ran.  A peer whose package is not installed is left out, and said so.
"""

from __future__ import annotations

import json
import multiprocessing
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from formulary.peers import PEERS, retriage
from formulary.peers.campaign import run_peer

ORDER = ("jax", "tensorflow", "numpy_ml", "onnx_ref")  # the slowest first
MAX_DEATHS = 20  # a peer's process may die this often (XLA aborts on some conv gradients) before the run gives up


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if argv[0] == "--retriage" and len(argv) == 2:
        out = Path(argv[1])
        results = json.loads(out.read_text(encoding="utf-8"))
        for peer, result in results.items():
            if "records" in result:
                retriage(peer, result)
                print(f"{peer}: {_line(result)}")
        _write(out, results)
        return 0
    out, results = Path(argv[0]), {}
    names = sorted(argv[1:] or PEERS, key=lambda p: ORDER.index(p) if p in ORDER else len(ORDER))
    start = time.monotonic()
    out.parent.mkdir(parents=True, exist_ok=True)
    journals = out.parent / f".{out.stem}-journals"  # beside OUT; a fresh run starts fresh journals
    shutil.rmtree(journals, ignore_errors=True)
    with ThreadPoolExecutor(max_workers=2) as pool:  # two workers, each in a process of its own
        futures = {pool.submit(_run_to_the_end, peer, journals / f"{peer}.jsonl"): peer for peer in names}
        for future in as_completed(futures):
            peer = futures[future]
            try:
                results[peer] = r = future.result()
            except ModuleNotFoundError as exc:
                print(f"{peer}: not installed ({exc}); pip install {PEERS[peer]}", file=sys.stderr)
                continue
            print(f"{peer}: {_line(r)}; {r['seconds']} s", flush=True)
            _write(out, results)  # as each peer finishes: a long run's first results are readable early
    print(f"peers: {time.monotonic() - start:.0f} s wall")
    _write(out, results)
    return 0


def _run_to_the_end(peer: str, journal: Path) -> dict:
    """``run_peer`` in a process of its own, started again on its journal each time a native abort kills it
    (the check it was running is then an error, the others are kept), at most MAX_DEATHS times."""
    for death in range(MAX_DEATHS + 1):
        with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
            try:
                return pool.submit(run_peer, peer, str(journal)).result()
            except BrokenProcessPool:
                print(f"{peer}: its process died ({death + 1} of at most {MAX_DEATHS}); starting again on its journal, "
                      "past the check it was running", file=sys.stderr, flush=True)
    raise RuntimeError(f"{peer}: its process died {MAX_DEATHS + 1} times; see {journal}")


def _line(r: dict) -> str:
    return (f"{r['run']} records provided: {r['passed']} pass, {r['deviations']} deviation, {r['failed']} fail "
            f"({len(r['untriaged'])} untriaged); {len(r['not_provided'])} not provided")


def _write(out: Path, results: dict) -> None:
    out.write_text(json.dumps(results, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n",
                   encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
