#!/usr/bin/env bash
# A headless-browser check of the dashboard: a screenshot of reports/index.html.
#
#   scripts/screenshot.sh [PAGE.html] [OUT.png] [WIDTHxHEIGHT]
#
# Installs Debian's chromium, and a CJK font for the guide's section titles, when they
# are missing (root, as on the project's machines).
# Look at the PNG: every chapter's section should be there and the figures drawn.
# Not part of pytest: it needs a browser, and a screenshot is judged by eye.
set -euo pipefail
cd "$(dirname "$0")/.."
page="${1:-reports/index.html}"
out="${2:-build/screenshot.png}"
size="${3:-1400x6000}"

if ! command -v chromium >/dev/null 2>&1 || ! fc-list :lang=zh | grep -q .; then
    apt-get update
    apt-get install -y chromium fonts-wqy-zenhei
fi
test -f "$page" || { echo "no $page: run 'make report' first" >&2; exit 2; }
mkdir -p "$(dirname "$out")"
# a throwaway profile, so that nothing is kept between runs and no first-run UI appears
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --disable-sync --no-first-run --user-data-dir="$profile" --hide-scrollbars \
    --window-size="${size/x/,}" --screenshot="$(realpath -m "$out")" "file://$(realpath "$page")" 2>/dev/null
test -s "$out"
echo "wrote $out ($size) of $page"
