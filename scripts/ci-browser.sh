#!/usr/bin/env bash
# CI: the headless browser that tests/test_dashboard_browser.py drives (Debian's chromium,
# its chromedriver, and a CJK font for the guide's section titles). Idempotent: installs
# only what is missing. Root, or sudo without a password, as on CI machines.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-wqy-zenhei)
if ((${#need[@]})); then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
chromium --version 2>/dev/null | head -1
chromedriver --version | head -1
