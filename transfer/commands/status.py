"""``spotify-transfer status [--json] [--full]``: where the last runs of each pair stand."""

from __future__ import annotations

import click

from transfer.commands.exit_codes import exit_codes
from transfer.environment import Environment
from transfer.errors import ExitStatus, JournalError
from transfer.render.safe import echo


@click.command("status", epilog=exit_codes(notes={
    ExitStatus.ERROR: "a journal could not be read (the other pairs are still shown)",
}))
@click.option("--json", "as_json", is_flag=True,
              help="Print the versioned JSON document (docs/status-json.md) instead of text.")
@click.option("--full", is_flag=True, help="List every item that was not moved.")
@click.pass_obj
def command(env: Environment, as_json: bool, full: bool) -> None:
    """For each source → target pair: the last transfer and sync (when, done, paused, failed
    or interrupted, what moved per category, what did not and why, when a paused run may
    resume and the command to do it) and the last undo. Reads only the journals under
    SPOTIFY_TRANSFER_HOME: no request to Spotify."""
    from transfer.spotify.retry import utc_now
    from transfer.status import StatusContext, collect_status, render_status, render_status_json

    context = StatusContext(home=env.settings.home, now=utc_now(), config_path=env.config_path)
    view = collect_status(context)
    if as_json:  # JSON keeps names exact: it escapes control characters itself
        click.echo(render_status_json(view.document), file=env.stdout, nl=False)
    else:
        echo(render_status(view, full), file=env.stdout, nl=False)
    unreadable = [pair for pair in view.document.pairs if pair.error is not None]
    if unreadable:
        raise JournalError(
            f"{len(unreadable)} journal(s) could not be read; what to do is shown above."
        )
