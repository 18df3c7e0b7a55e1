"""``spotify-transfer export [-o FILE | -o -]``: the source library as a JSON snapshot."""

from __future__ import annotations

from pathlib import Path

import click

from transfer.commands.exit_codes import exit_codes
from transfer.environment import Environment
from transfer.errors import ExitStatus
from transfer.render.safe import echo, safe_name
from transfer.render.words import list_place, plural, quoted

STDOUT = Path("-")


@click.command("export", epilog=exit_codes(ExitStatus.PAUSED))
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True),
              default=None,
              help="Where to write the snapshot (default: the state folder's snapshots/): a "
                   "new or regular file, never replaced when it is a device, FIFO or symbolic "
                   "link; - for standard output (messages then go to standard error).")
@click.option("--account", type=click.Choice(["source", "target"]), default="source",
              show_default=True, help="Which account to export.")
@click.pass_obj
def command(env: Environment, output: Path | None, account: str) -> None:
    """Write the whole library (playlists with their items, Liked Songs, albums, artists,
    shows, episodes, audiobooks) to a versioned JSON snapshot you can keep as a backup."""
    from transfer.export import default_snapshot_path, read_library, snapshot_json, write_snapshot
    from transfer.files import check_replaceable
    from transfer.progress import logging_above_bars

    to_stdout = output == STDOUT
    if output is not None and not to_stdout:
        check_replaceable(output, "snapshot")  # before reading, not after minutes of it
    adapter = env.adapter(account)
    progress = env.progress()
    try:
        with logging_above_bars(env.stderr):
            library = read_library(adapter, progress)
    finally:
        progress.close()
    if to_stdout:
        env.stdout.write(snapshot_json(library) + "\n")
        env.stdout.flush()
        where = "standard output"
    else:
        path = output or default_snapshot_path(env.settings.home, library.account.id,
                                               library.exported_at)
        write_snapshot(library, path)
        where = str(path)
    entries = sum(len(playlist.entries or ()) for playlist in library.playlists)
    echo(
        f"Exported {safe_name(library.account.display_name or library.account.id)} to {where}:\n"
        f"  {len(library.playlists):,} playlists ({entries:,} entries), "
        f"{len(library.liked_songs):,} Liked Songs, {len(library.albums):,} albums, "
        f"{len(library.artists):,} artists, {len(library.shows):,} shows, "
        f"{len(library.episodes):,} episodes, {len(library.audiobooks):,} audiobooks\n"
        f"  {sum(adapter.calls.values()):,} API calls",
        file=env.stderr if to_stdout else env.stdout,
    )
    entries_unread = [(playlist, position, entry.malformed) for playlist in library.playlists
                      for position, entry in enumerate(playlist.entries or ()) if entry.malformed]
    unread = len(library.malformed) + len(entries_unread)
    if unread:
        lines = [f"    {list_place(element.category, element.position)}: {element.problem}"
                 for element in library.malformed]
        lines += [f"    #{position + 1} in {quoted(playlist.name)}: {problem}"
                  for playlist, position, problem in entries_unread]
        echo(f"  {plural(unread, 'element')} Spotify sent could not be read and "
             f"{'was' if unread == 1 else 'were'} left out (the snapshot lists them under "
             "\"malformed\" and as playlist entries without an id):\n" + "\n".join(lines),
             file=env.stdout)
