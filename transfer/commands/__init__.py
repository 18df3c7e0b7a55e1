"""The CLI's commands, one module each; every module exposes ``command`` (a click.Command).

Add a module here to register its command with ``spotify-transfer``.
"""

COMMAND_MODULES: list[str] = [
    "login",
    "whoami",
    "export",
    "sandbox",
    "status",
    "undo",
    "plan",
    "transfer",
    "verify",
    "sync",
    "schedule",
    "demo",
    "app",
]
