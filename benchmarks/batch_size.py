"""Time per sample against mini-batch size (60 … 260, every size), impl and torch, for the claim opt.mbgd.batch_size.

The guide (§5, l.408) says mini-batches of 64–256 are usual and that powers of 2 run faster. The workload is one
training step's forward and backward of a 784 → 256 → 10 ReLU network with cross-entropy (what a mini-batch costs),
in float32, one thread each (BLAS and torch), on this machine. Sizes are visited in a shuffled order, several rounds,
so that drift in the machine's load spreads over all sizes. Each size's time is the fastest of its 25 calls: on a
shared machine a call that lasts longer than the scheduler's time slice is interrupted more often, which makes the
median grow with the batch size for no reason of the computation's own (the median is kept beside it).

    python benchmarks/batch_size.py reports/batch_size.json      (make bench runs it)
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from impl import activations as A  # noqa: E402
from impl import conv as C  # noqa: E402
from impl import losses as L  # noqa: E402

SIZES = list(range(60, 261))
POWERS = (64, 128, 256)
ROUNDS, CALLS = 5, 5


def _weights(rng):
    return [rng.normal(0, 0.05, (256, 784)).astype(np.float32), np.zeros(256, np.float32),
            rng.normal(0, 0.05, (10, 256)).astype(np.float32), np.zeros(10, np.float32)]


def impl_step(x, t, w):
    w1, b1, w2, b2 = w
    z = C.linear(x, w1, b1)
    a = A.relu(z)
    out = C.linear(a, w2, b2)
    g = L.cross_entropy_backward(np.float32(1.0), out, t)
    g, gw2, gb2 = C.linear_backward(g, a, w2, b2)
    _, gw1, gb1 = C.linear_backward(A.relu_backward(g, z), x, w1, b1)
    return gw1, gb1, gw2, gb2


def torch_step(x, t, w):
    for p in w:
        p.grad = None
    z = torch.nn.functional.linear(x, w[0], w[1])
    out = torch.nn.functional.linear(torch.relu(z), w[2], w[3])
    torch.nn.functional.cross_entropy(out, t).backward()


def sweep():
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    w = _weights(rng)
    wt = [torch.from_numpy(a.copy()).requires_grad_() for a in w]
    data = {b: (rng.normal(size=(b, 784)).astype(np.float32), rng.integers(0, 10, b)) for b in SIZES}
    tdata = {b: (torch.from_numpy(x), torch.from_numpy(t)) for b, (x, t) in data.items()}
    times = {side: {b: [] for b in SIZES} for side in ("impl", "torch")}
    for b in SIZES[:10]:  # warm up both
        impl_step(*data[b], w)
        torch_step(*tdata[b], wt)
    order = np.random.default_rng(1)
    for _ in range(ROUNDS):
        for b in order.permutation(SIZES):
            b = int(b)
            for side, call, args in (("impl", impl_step, (*data[b], w)), ("torch", torch_step, (*tdata[b], wt))):
                for _ in range(CALLS):
                    start = time.perf_counter()
                    call(*args)
                    times[side][b].append(time.perf_counter() - start)
    fastest = {side: [float(np.min(v[b])) / b for b in SIZES] for side, v in times.items()}
    median = {side: [float(np.median(v[b])) / b for b in SIZES] for side, v in times.items()}
    return fastest, median


def summarise(per_sample):
    """Each power of 2 against its neighbours within ±4 (itself left out): time per sample, ratio below 1 = faster."""
    out = {}
    for side, values in per_sample.items():
        by = dict(zip(SIZES, values, strict=True))
        out[side] = {str(p): round(by[p] / float(np.median([by[p + d] for d in (-4, -3, -2, -1, 1, 2, 3, 4)])),
                                   4) for p in POWERS}
        ranks = np.argsort(np.argsort(values))
        out[side]["rank of the powers of 2 among 201 sizes (0 = fastest per sample)"] = {
            str(p): int(ranks[SIZES.index(p)]) for p in POWERS}
        others = [by[b] / float(np.median([by[b + d] for d in (-4, -3, -2, -1, 1, 2, 3, 4)]))
                  for b in SIZES[4:-4] if b not in POWERS]
        out[side]["the same ratio at the other sizes: 5th, 50th, 95th percentile"] = [
            round(float(q), 4) for q in np.percentile(others, [5, 50, 95])]
        sizes = np.array(SIZES)
        out[side]["µs per sample (median over the sizes), sizes 60–99 and 160–260"] = [
            round(float(np.median(np.array(values)[(sizes >= lo) & (sizes <= hi)])) * 1e6, 2) for lo, hi in ((60, 99),
                    (160, 260))]
    return out


def _machine() -> str:
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor() or platform.machine()
    return f"{model}, {os.cpu_count()} cores"


def main(path):
    per_sample, median = sweep()
    doc = {"workload": "forward + backward of 784 → 256 → 10 ReLU + cross-entropy, float32, one thread; "
                       "time per sample = fastest of 25 calls / batch size",
           "machine": _machine(),
           "sizes": SIZES, "seconds_per_sample": per_sample, "powers_of_2_vs_neighbours": summarise(per_sample),
           "median_seconds_per_sample": median, "median_powers_of_2_vs_neighbours": summarise(median)}
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(doc, indent=1), encoding="utf-8")
    print(json.dumps(doc["powers_of_2_vs_neighbours"], indent=1))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "reports/batch_size.json")
