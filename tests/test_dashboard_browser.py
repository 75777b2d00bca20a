"""The dashboard in a real browser (headless Chromium through chromedriver).

No console errors, every figure loads, every equation is laid out as math (a fraction's
numerator sits above its denominator), and at 420 px the page does not scroll sideways.
Locally the test is skipped when Chromium is missing; under CI (``CI=true``) a missing
browser is a failure: ``scripts/ci-browser.sh`` installs it.

``FORMULARY_SCREENSHOT=docs/dashboard.png`` also writes a screenshot of a record with
its equation, for the documentation.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from chromium_driver import Browser, binaries

from formulary.report import with_extras
from formulary.report.html import render_html

ROOT = Path(__file__).resolve().parents[1]
REPORTS = ROOT / "reports"

OPEN_ALL = "document.querySelectorAll('details').forEach(d => d.open = true); return document.readyState;"

MEASURE = """
const imgs = [...document.images].map(i => ({alt: i.alt, ok: i.complete && i.naturalWidth > 0}));
const maths = [...document.querySelectorAll('math')];
const displays = [...new Set(maths.map(m => getComputedStyle(m).display))];
const fracs = [...document.querySelectorAll('mfrac')].slice(0, 40).map(f => {
  const [num, den] = f.children;
  const a = num.getBoundingClientRect(), b = den.getBoundingClientRect();
  return a.height > 0 && b.height > 0 && a.bottom <= b.top + 1;
});
return {imgs, maths: maths.length, displays, fracs};
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    browser, driver = binaries()
    if not (browser and driver):
        if os.environ.get("CI"):
            pytest.fail("CI: chromium and chromedriver are required (scripts/ci-browser.sh installs them)")
        pytest.skip("no chromium/chromedriver here (apt-get install chromium chromium-driver)")
    doc = with_extras(json.loads((REPORTS / "conformance.json").read_text(encoding="utf-8")), REPORTS)
    out = tmp_path_factory.mktemp("dash") / "index.html"
    out.write_text(render_html(doc, REPORTS / "figures", REPORTS / "SPEED.md"), encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory, page):
    b = Browser(tmp_path_factory.mktemp("profile"))
    yield b
    b.close()


def test_the_dashboard_renders_in_chromium(browser, page):
    browser.open(page.as_uri())
    assert browser.run(OPEN_ALL) == "complete"
    seen = browser.run(MEASURE)
    errors = [e for e in browser.console() if e.get("level") == "SEVERE"]
    assert not errors, errors
    assert seen["imgs"] and all(i["ok"] for i in seen["imgs"]), [i["alt"] for i in seen["imgs"] if not i["ok"]]
    assert seen["maths"] >= 100, seen["maths"]
    assert all("math" in d for d in seen["displays"]), seen["displays"]  # 'block math': MathML layout, not inline text
    assert seen["fracs"] and all(seen["fracs"]), seen["fracs"]


def test_the_dashboard_reads_on_a_420px_screen(browser, page):
    browser.cdp("Emulation.setDeviceMetricsOverride", {"width": 420, "height": 900, "deviceScaleFactor": 1,
                                                       "mobile": False})  # no zoom-out to fit: the page must fit
    try:
        if browser.run("return location.href;") != page.as_uri():  # the page is 4.5 MB: load it once if we can
            browser.open(page.as_uri())
        browser.run(OPEN_ALL)
        seen = browser.run("""return {inner: window.innerWidth, scroll: document.documentElement.scrollWidth,
                                      main: document.querySelector('main').getBoundingClientRect().width};""")
        assert seen["inner"] == 420, seen
        assert seen["scroll"] <= seen["inner"] + 1, f"the page scrolls sideways at 420 px: {seen}"
        assert seen["main"] >= 380, f"the content gets {seen['main']:.0f} of 420 px (a sidebar beside it?)"
    finally:
        browser.cdp("Emulation.clearDeviceMetricsOverride", {})


def test_screenshot_for_the_documentation(browser, page):
    target = os.environ.get("FORMULARY_SCREENSHOT")
    if not target:
        return  # only on request; the checks above are the test
    browser.open(page.as_uri())
    browser.run("""
      for (const id of ['r-act.sigmoid', 'r-act.tanh']) document.getElementById(id).open = true;
      document.getElementById('r-act.sigmoid').scrollIntoView();""")
    assert browser.screenshot(Path(target)).stat().st_size > 10_000
