"""The speed table: impl against torch, the pure-NumPy peers and the floor, from a pytest-benchmark JSON file.

Each benchmark group holds up to five sides measured in the same run (impl, torch,
numpy-ml, onnx, floor; see ``benchmarks/conftest.py``); ratios are of their medians
(> 1: impl is slower).  Each group's target (issue 20) is checked against those ratios.
Groups named ``growth ...`` are drawn as the cost-growth figure instead.

    python -m formulary.report.speed reports/benchmarks.json reports/SPEED.md
"""

from __future__ import annotations

import json
import platform
import sys
from collections import defaultdict
from pathlib import Path

SIDES = ("impl", "torch", "numpy-ml", "onnx", "floor")
PEERS = ("numpy-ml", "onnx")
FIGURE = "figures/speed-growth.png"  # relative to SPEED.md's folder


def _elementwise(group: str) -> bool:
    return group.startswith(("act.", "loss.")) and "n=1e6" in group


def targets(group: str) -> list[tuple[str, str, float]]:
    """The targets for ``group``: (label, ratio key, bound) with the ratio key one of torch, peer, floor."""
    if _elementwise(group):
        floor = 15.0 if group.startswith("act.gelu ") else 8.0
        return [("≤ fastest NumPy peer", "peer", 1.0), (f"≤ {floor:g}× floor", "floor", floor)]
    if group.startswith("cnn.conv2d "):
        return [("≤ 1.5× GEMM floor", "floor", 1.5), ("≤ 2× torch", "torch", 2.0)]
    if group.startswith(("cnn.pool.", "loss.cross_entropy", "loss.nll")):
        return [("≤ 3× torch", "torch", 3.0)]
    if group.startswith(("lstm.sequence", "gru.sequence")):
        return [("≤ 2× torch", "torch", 2.0)]
    if group.startswith("opt."):
        return [("≤ 1.5× torch", "torch", 1.5)]
    return []


def groups(bench_json: dict) -> dict[str, dict[str, float]]:
    """group -> side -> median seconds."""
    found: dict[str, dict] = defaultdict(dict)
    for b in bench_json["benchmarks"]:
        side = b.get("extra_info", {}).get("side") or ("torch" if "[torch" in b["name"] else "impl")
        found[b["group"]][side] = b["stats"]["median"]
    return found


def ratios(bench_json: dict) -> list[dict]:
    rows = []
    for group, sides in sorted(groups(bench_json).items()):
        if group.startswith("growth ") or "impl" not in sides or "torch" not in sides:
            continue
        impl = sides["impl"]
        peers = [sides[p] for p in PEERS if p in sides]
        row = {"group": group, **{f"{s}_ms": sides[s] * 1e3 for s in SIDES if s in sides},
               "ratio": impl / sides["torch"],
               "vs": {"torch": impl / sides["torch"], "peer": impl / min(peers) if peers else None,
                      "floor": impl / sides["floor"] if "floor" in sides else None}}
        row["targets"] = [_target(label, row["vs"][key], bound, sides if key == "torch" else {})
                          for label, key, bound in targets(group)]
        rows.append(row)
    return rows


def _target(label: str, ratio: float | None, bound: float, sides: dict[str, float]) -> dict:
    """One target judged; a "≤ k× torch" target also says whether the floor alone is over it.

    The floor is what NumPy cannot beat (one core's copy of the bytes, or BLAS's GEMMs), so
    when floor/torch > k no NumPy code can meet the target: it is reported with that figure.
    Only where impl is at or above its floor: an op faster than the floor (nll's forward reads
    one element a row, not the whole input it is given) shows that this floor bounds nothing.
    """
    out = {"label": label, "ratio": ratio, "bound": bound, "met": None if ratio is None else ratio <= bound}
    if "floor" in sides:
        out["floor_vs_torch"] = sides["floor"] / sides["torch"]
        out["beyond_numpy"] = out["floor_vs_torch"] > bound and sides["impl"] >= sides["floor"]
    return out


def growth(bench_json: dict) -> dict[str, dict[str, list[tuple[int, float]]]]:
    """op -> side -> [(n, median seconds)], from the ``growth`` groups."""
    curves: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    for b in bench_json["benchmarks"]:
        info = b.get("extra_info", {})
        if "growth" in info:
            curves[info["growth"]][info["side"]].append((int(info["n"]), b["stats"]["median"]))
    return {op: {side: sorted(points) for side, points in sides.items()} for op, sides in curves.items()}


def write_growth_figure(curves: dict, path: Path) -> bool:
    if not curves:
        return False
    try:
        import matplotlib  # noqa: PLC0415 -- optional (the figures extra)

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt  # noqa: PLC0415 -- after use("Agg")
    except ImportError:  # the figures extra is not installed
        return False
    fig, axes = plt.subplots(1, len(curves), figsize=(4 * len(curves), 3.6), squeeze=False)
    for ax, (op, sides) in zip(axes[0], sorted(curves.items()), strict=True):
        for side, style in (("impl", "o-"), ("torch", "s--")):
            if side in sides:
                n, t = zip(*sides[side], strict=True)
                ax.loglog(n, [s * 1e3 for s in t], style, label=side)
        ax.set_title(op, fontsize=9)
        ax.set_xlabel("elements")
        ax.set_ylabel("median time (ms)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110, metadata={"Software": None})  # no version stamp: the file depends on the data only
    plt.close(fig)
    return True


def _ms(row: dict, side: str) -> str:
    value = row.get(f"{side}_ms")
    return "–" if value is None else f"{value:.3g}"


def _x(value) -> str:
    return "–" if value is None else f"{value:.2f}"


def _target_cell(row: dict) -> str:
    cells = []
    for t in row["targets"]:
        verdict = "met" if t["met"] else "NOT met" if t["met"] is False else "no data"
        if t["ratio"] is None and t["label"].endswith("peer"):
            verdict = "no peer has it"
        reach = f", beyond NumPy: the floor alone is {t['floor_vs_torch']:.2f}× torch" if t.get("beyond_numpy") else ""
        cells.append(f"{verdict}: {t['label']} ({_x(t['ratio'])}{reach})")
    return "; ".join(cells)


def _machine_lines(machine: dict) -> list[str]:
    lines = ["## Machine, BLAS and threads", ""]
    cpu = machine.get("cpu", {})
    lines.append(f"- CPU: {cpu.get('brand_raw', platform.processor() or '?')}, {cpu.get('count', '?')} logical cores")
    lines.append(f"- NumPy {machine.get('numpy', '?')}, torch {machine.get('torch', '?')} "
                 f"with {machine.get('torch_threads', '?')} threads")
    for pool in machine.get("blas", []):
        lines.append(f"- {pool.get('user_api')}: {pool.get('internal_api')} {pool.get('version')}, "
                     f"kernel {pool.get('architecture')}, {pool.get('num_threads')} threads "
                     f"({pool.get('threading_layer')}), {Path(pool.get('filepath') or '?').name}")
    if not machine.get("blas"):
        lines.append("- BLAS: not recorded (threadpoolctl missing; `make bench` installs it)")
    env = machine.get("env") or {}
    variables = ", ".join(f"`{k}={v}`" for k, v in env.items())
    lines.append("- environment: " + (variables or "no OPENBLAS_/OMP_/MKL_ variables"))
    if "OPENBLAS_CORETYPE" in env:
        lines.append("  (OPENBLAS_CORETYPE forces OpenBLAS's kernel choice: the GEMM floor and conv/LSTM timings "
                     "are for that kernel, not necessarily the CPU's best)")
    return lines + [""]


def render(rows: list[dict], machine: dict, figure: bool = False) -> str:
    with_targets = [r for r in rows if r["targets"]]
    checks = [t for r in with_targets for t in r["targets"] if t["met"] is not None]
    met = sum(t["met"] for t in checks)
    beyond = sum(bool(t.get("beyond_numpy")) for t in checks if not t["met"])
    lines = ["# Speed: impl against torch, the pure-NumPy peers and the floor", "",
             "Medians from one pytest-benchmark run (`make bench`); every side of a row was measured in the same "
             "run. Ratios > 1: impl is slower. *floor*: a single-core `np.copyto` of the op's operands (elementwise "
             "ops, pools, losses, optimizer steps) or the BLAS GEMMs of the same FLOPs (conv2d, LSTM, GRU). "
             "*peer*: the faster of numpy-ml and ONNX's ReferenceEvaluator where either has the op "
             "(both are pure NumPy).", "",
             f"**Targets: {met} of {len(checks)} met**; {beyond} of the {len(checks) - met} not met are beyond NumPy "
             "on this machine: the floor alone is over the bound (issue 20; each row's targets are listed beside it).",
             ""]
    lines += _machine_lines(machine)
    header = ["| benchmark | impl (ms) | torch | numpy-ml | onnx | floor "
              "| impl/torch | impl/peer | impl/floor | targets |",
              "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for title, part in (("With targets", with_targets), ("Others", [r for r in rows if not r["targets"]])):
        if not part:
            continue
        lines += [f"## {title}", "", *header]
        lines += [f"| {r['group']} | {_ms(r, 'impl')} | {_ms(r, 'torch')} | {_ms(r, 'numpy-ml')} | {_ms(r, 'onnx')} "
                  f"| {_ms(r, 'floor')} | {_x(r['vs']['torch'])} | {_x(r['vs']['peer'])} | {_x(r['vs']['floor'])} "
                  f"| {_target_cell(r)} |" for r in part]
        lines.append("")
    if figure:
        lines += ["## Cost growth", "", "Median time against size, log–log, impl beside torch (float64): "
                  "a slope of 1 is linear cost; a bend shows where a side leaves the caches.", "",
                  f"![cost growth]({FIGURE})", ""]
    return "\n".join(lines)


def oracle_ratios(bench_json: dict) -> list[dict]:
    """The search methods' pairs (side ``oracle``): ms per evaluation and the impl/oracle ratio."""
    groups: dict[str, dict] = defaultdict(dict)
    for b in bench_json["benchmarks"]:
        info = b.get("extra_info", {})
        if info.get("side") in ("impl", "oracle") and "oracle" in info:
            groups[b["group"]][info["side"]] = b["stats"]["median"] / max(int(info.get("evaluations", 1)), 1)
            groups[b["group"]]["name"] = info["oracle"]
    return [{"group": g, "oracle": s["name"], "impl_ms": s["impl"] * 1e3, "oracle_ms": s["oracle"] * 1e3,
             "ratio": s["impl"] / s["oracle"]} for g, s in sorted(groups.items()) if "impl" in s and "oracle" in s]


def render_oracles(rows: list[dict]) -> str:
    if not rows:
        return ""
    lines = ["", "## Search methods against their oracles", "",
             "A method's own time per evaluation (the objective costs about a microsecond). Ratio > 1: impl is "
             "slower.", "",
             "| benchmark | oracle | impl (ms/eval) | oracle (ms/eval) | impl/oracle |", "|---|---|---:|---:|---:|"]
    lines += [f"| {r['group']} | {r['oracle']} | {r['impl_ms']:.3g} | {r['oracle_ms']:.3g} | {r['ratio']:.2f} |"
              for r in rows]
    return "\n".join(lines) + "\n"


def other_pairs(bench_json: dict) -> list[dict]:
    """Groups without torch whose one other side is a named oracle (NLopt, Py-BOBYQA, ...): impl against it."""
    rows = []
    for group, sides in sorted(groups(bench_json).items()):
        if "oracle" in sides:  # an oracle pair of the search methods: oracle_ratios lists it, by the oracle's name
            continue
        others = [s for s in sides if s not in ("impl", "objective", *SIDES)]
        if "impl" in sides and "torch" not in sides and len(others) == 1:
            n = max((int(b.get("extra_info", {}).get("evaluations", 1)) for b in bench_json["benchmarks"]
                     if b["group"] == group), default=1)  # per evaluation, as the oracle table reads
            rows.append({"group": group, "oracle": others[0], "impl_ms": sides["impl"] * 1e3 / n,
                         "oracle_ms": sides[others[0]] * 1e3 / n, "ratio": sides["impl"] / sides[others[0]]})
    return rows




def main(argv: list[str]) -> int:
    src, dst = Path(argv[0]), Path(argv[1])
    data = json.loads(src.read_text())
    figure = write_growth_figure(growth(data), dst.parent / FIGURE)
    dst.write_text(render(ratios(data), data.get("machine_info", {}), figure=figure)
                   + render_oracles(oracle_ratios(data) + other_pairs(data)))
    print(f"wrote {dst}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
