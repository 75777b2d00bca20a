"""The speed table: impl/torch time ratios from a pytest-benchmark JSON file.

Each benchmark group holds an impl and a torch side measured in the same run; the
ratio is of their medians (> 1: impl is slower).

    python -m formulary.report.speed reports/benchmarks.json reports/SPEED.md
"""

from __future__ import annotations

import json
import platform
import sys
from collections import defaultdict
from pathlib import Path


def ratios(bench_json: dict) -> list[dict]:
    groups: dict[str, dict] = defaultdict(dict)
    for b in bench_json["benchmarks"]:
        side = b.get("extra_info", {}).get("side") or ("torch" if "[torch" in b["name"] else "impl")
        groups[b["group"]][side] = b["stats"]["median"]
    rows = []
    for group in sorted(groups):
        sides = groups[group]
        if "impl" in sides and "torch" in sides:
            rows.append({"group": group, "impl_ms": sides["impl"] * 1e3, "torch_ms": sides["torch"] * 1e3,
                         "ratio": sides["impl"] / sides["torch"]})
    return rows


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
             "A method's own time per evaluation (the objective costs about a microsecond). Ratio > 1: impl is slower.", "",
             "| benchmark | oracle | impl (ms/eval) | oracle (ms/eval) | impl/oracle |", "|---|---|---:|---:|---:|"]
    lines += [f"| {r['group']} | {r['oracle']} | {r['impl_ms']:.3g} | {r['oracle_ms']:.3g} | {r['ratio']:.2f} |" for r in rows]
    return "\n".join(lines) + "\n"


def render(rows: list[dict], machine: dict) -> str:
    lines = ["# Speed: impl against torch", "",
             f"Medians from one pytest-benchmark run on {machine.get('cpu', {}).get('brand_raw', platform.processor() or 'this machine')}"
             f" ({machine.get('cpu', {}).get('count', '?')} cores); torch with its default threads. Ratio > 1: impl is slower.", "",
             "| benchmark | impl (ms) | torch (ms) | impl/torch |", "|---|---:|---:|---:|"]
    lines += [f"| {r['group']} | {r['impl_ms']:.3g} | {r['torch_ms']:.3g} | {r['ratio']:.2f} |" for r in rows]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    src, dst = Path(argv[0]), Path(argv[1])
    data = json.loads(src.read_text())
    dst.write_text(render(ratios(data), data.get("machine_info", {})) + render_oracles(oracle_ratios(data)))
    print(f"wrote {dst}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
