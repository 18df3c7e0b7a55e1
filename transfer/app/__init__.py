"""``spotify-transfer app``: the local web app, a thin server-rendered layer over the CLI's own
engine, journal, plan, selection, reports, undo, status and schedule code.

- ``server``: the Starlette application and uvicorn on 127.0.0.1, started by ``app`` and
  ``demo --app``;
- ``security``: the launch secret and its cookie, the Host check, CSRF tokens, the
  Content-Security-Policy;
- ``state``: what one launch holds (settings, the log-in and run jobs);
- ``connect``: a log-in of one account through the same PKCE code as ``login``;
- ``jobs``: a transfer or an undo running in the server, with its progress;
- ``pages``: Jinja2 templates (autoescaped) and their helpers;
- ``routes_*``: one module per page.
"""
