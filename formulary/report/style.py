"""The dashboard's style sheet (one self-contained page: no fonts or files fetched).

The layout is a sidebar beside the content on wide screens; below 700 px the sidebar
becomes a header of links, and wide tables and equations scroll inside their own box
instead of widening the page, so that it reads on a 420-px phone.
"""

CSS = """
:root { --ok:#1a7f37; --dev:#9a6700; --bad:#cf222e; --grey:#6e7781; --line:#d0d7de; --bg:#f6f8fa; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "Noto Sans", "Noto Sans CJK SC", sans-serif;
       margin: 0; color: #1f2328; display: flex; }
nav { position: sticky; top: 0; height: 100vh; overflow-y: auto; width: 15rem; flex: none;
      background: var(--bg); border-right: 1px solid var(--line); padding: 1rem; font-size: 13px; }
nav a { display: block; color: inherit; text-decoration: none; padding: .1rem 0; }
nav a:hover { text-decoration: underline; }
main { padding: 1rem 2rem 4rem; min-width: 0; flex: 1; max-width: 80rem; }
h1 { font-size: 1.6rem; margin: .2rem 0 .4rem; }
h2 { border-bottom: 1px solid var(--line); padding-bottom: .2rem; margin-top: 2.2rem; }
h3 { margin: 1.2rem 0 .4rem; font-size: 1.05rem; }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: 13px; }
th, td { border: 1px solid var(--line); padding: .2rem .5rem; vertical-align: top; text-align: left; }
th { background: var(--bg); }
td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, pre { font: 12px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
pre { background: var(--bg); padding: .5rem; overflow-x: auto; white-space: pre-wrap; border-radius: 4px; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 1rem; font-size: 12px; color: #fff;
         background: var(--grey); white-space: nowrap; }
.s-pass, .s-caught, .s-killed { background: var(--ok); }
.s-deviation { background: var(--dev); }
.s-fail, .s-error, .s-NOT-CAUGHT, .s-survived { background: var(--bad); }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1rem 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: .5rem .9rem; min-width: 9rem; }
.card b { display: block; font-size: 1.4rem; }
.muted { color: var(--grey); }
.bar { display: inline-block; height: .6rem; vertical-align: middle; border-radius: 2px; margin-right: .3rem; }
.bar.c { background: #0969da; } .bar.t { background: #bc4c00; }
.over { color: var(--bad); font-weight: 600; }
details.record { border: 1px solid var(--line); border-radius: 6px; margin: .4rem 0; padding: .3rem .7rem; }
details.record > summary { cursor: pointer; }
figure { display: inline-block; margin: .3rem 1rem .3rem 0; }
figure img { max-width: 480px; width: 100%; border: 1px solid var(--line); }
figcaption { font-size: 12px; color: var(--grey); }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; margin: .4rem 0; }
dl.kv dt { color: var(--grey); } dl.kv dd { margin: 0; }
.scroll { overflow-x: auto; max-width: 100%; }
.matrix td.pass { color: #1a7f37; } .matrix td.deviation { color: #9a6700; }
.matrix td.fail { color: #cf222e; font-weight: 600; }
.s-explained { background: #57606a; }
sup.note { color: var(--grey); cursor: help; }
math[display="block"] { margin: .2rem 0; overflow-x: auto; overflow-y: hidden; max-width: 100%; }
math { font-size: 1.15em; }
dd > math { math-style: normal; overflow-x: auto; max-width: 100%; }  /* fractions at full size, left-aligned */
@media (max-width: 700px) {
  body { display: block; }
  nav { position: static; height: auto; width: auto; border-right: none; border-bottom: 1px solid var(--line); }
  nav a { display: inline-block; margin-right: .8rem; }
  main { padding: .6rem .7rem 3rem; }
  dl.kv { grid-template-columns: minmax(0, 1fr); }
  dl.kv dd { min-width: 0; overflow-x: auto; }
  p code, li code, h3 code, summary code { overflow-wrap: anywhere; }
  .scroll td code { white-space: pre; }  /* a wide table scrolls in its box rather than growing tall */
  figure { display: block; margin: .3rem 0; }
  figure img { max-width: 100%; }
  .card { min-width: 7rem; }
}
"""
