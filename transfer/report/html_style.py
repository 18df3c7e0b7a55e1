"""The HTML report's look: one inline style sheet (no fonts or images to fetch), light and dark,
readable when printed."""

from __future__ import annotations

STYLE = """
:root {
  color-scheme: light dark;
  --text: #1d1f21; --muted: #5f6368; --line: #dadce0; --band: #f6f8fa; --page: #ffffff;
  --accent: #1db954; --ok: #137333; --warn: #b06000; --bad: #c5221f; --info: #1a73e8;
}
@media (prefers-color-scheme: dark) {
  :root {
    --text: #e8eaed; --muted: #9aa0a6; --line: #3c4043; --band: #1f2124; --page: #121212;
    --ok: #81c995; --warn: #fdd663; --bad: #f28b82; --info: #8ab4f8;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0 auto; max-width: 72rem; padding: 1.5rem 1.25rem 3rem;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans Arabic",
    "Noto Sans Hebrew", "Noto Sans CJK JP", sans-serif;
  color: var(--text); background: var(--page);
}
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; padding-bottom: .25rem;
     border-bottom: 2px solid var(--accent); }
h3 { font-size: 1rem; margin: 1.25rem 0 .4rem; }
p { margin: .3rem 0; }
a { color: var(--info); }
code { font: .9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
       background: var(--band); padding: .1em .35em; border-radius: 4px; }
.muted { color: var(--muted); }
.pair { font-size: 1.1rem; }
.state { display: inline-block; padding: .1rem .6rem; border-radius: 999px; font-size: .85rem;
         font-weight: 600; vertical-align: middle; border: 1px solid currentColor; }
.state-done, .status-done, .status-already_there { color: var(--ok); }
.state-paused, .status-partial, .status-left { color: var(--warn); }
.state-failed, .state-interrupted, .state-running, .status-failed { color: var(--bad); }
.status-skipped { color: var(--muted); }
.notice { margin: 1rem 0; padding: .75rem 1rem; border-left: 4px solid var(--warn);
          background: var(--band); border-radius: 4px; }
.cards { display: flex; flex-wrap: wrap; gap: .75rem; margin: 1.25rem 0 0; padding: 0;
         list-style: none; }
.cards li { flex: 1 1 9rem; padding: .75rem 1rem; border: 1px solid var(--line);
            border-radius: 8px; background: var(--band); }
.cards .figure { display: block; font-size: 1.6rem; font-weight: 700; }
table { width: 100%; border-collapse: collapse; margin: .25rem 0 .5rem; }
th, td { padding: .35rem .5rem; border-bottom: 1px solid var(--line); text-align: start;
         vertical-align: top; }
th { font-size: .85rem; color: var(--muted); font-weight: 600; background: var(--band); }
tbody th { font-size: inherit; color: var(--text); background: none; }
td.n, th.n { text-align: end; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) { background: color-mix(in srgb, var(--band) 60%, transparent); }
ul.plain { margin: .25rem 0; padding-inline-start: 1.25rem; }
footer { margin-top: 2.5rem; font-size: .85rem; color: var(--muted); }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  a { color: inherit; text-decoration: none; }
  tr { break-inside: avoid; }
}
"""
