"""``python -m formulary.peers OUT.json [PEER ...]``: every peer's pass counts, for the report.

A peer whose package is not installed is left out, and said so.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from formulary import profiles
from formulary.peers import PEERS, pass_counts


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    profiles.load()
    out, results = Path(argv[0]), {}
    for peer in argv[1:] or sorted(PEERS):
        try:
            results[peer] = pass_counts(peer)
        except ModuleNotFoundError as exc:
            print(f"{peer}: not installed ({exc}); pip install {PEERS[peer]}", file=sys.stderr)
            continue
        r = results[peer]
        print(f"{peer}: {r['passed']} of {r['run']} records pass ({len(r['not_provided'])} it cannot express)")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
