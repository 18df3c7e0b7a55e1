"""Durations, the cron schedule of an interval, the loop of ``sync --every`` with a fake clock,
and the summary line."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from transfer.errors import AuthError, ConfigError, RateLimited, ServerError
from transfer.models import Account, Category
from transfer.sync.durations import describe_duration, parse_duration
from transfer.sync.scheduling import EXAMPLE, Every, Install, cron_schedule, crontab
from transfer.sync.summary import Changes, summary_line

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("text", "seconds"), [
    ("30m", 1800), ("6h", 21600), ("1d", 86400), ("1h30m", 5400), (" 2H ", 7200), ("90s", 90)])
def test_durations(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "6", "h", "6x", "-1h", "10s", "0m", "1h and more"])
def test_what_is_not_a_duration(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_duration(text)


def test_durations_are_written_back_as_people_write_them() -> None:
    assert describe_duration(timedelta(hours=1, minutes=30)) == "1h30m"
    assert describe_duration(timedelta(days=1)) == "1d"


@pytest.mark.parametrize(("every", "fields"), [
    ("1m", "* * * * *"), ("15m", "*/15 * * * *"), ("1h", "17 * * * *"),
    ("6h", "17 */6 * * *"), ("1d", "17 4 * * *")])
def test_cron_schedules(every: str, fields: str) -> None:
    assert cron_schedule(parse_duration(every)) == fields


@pytest.mark.parametrize("every", ["7m", "5h", "2d", "90s"])
def test_what_cron_cannot_say(every: str) -> None:
    with pytest.raises(ConfigError):
        cron_schedule(parse_duration(every))


def test_the_crontab_line_keeps_variables_out_and_quotes_paths() -> None:
    install = Install(command=("/opt/my tools/spotify-transfer",), env_file="/home/a/sync.env",
                      home="/home/a/state", mirror=True)
    job = crontab(install).splitlines()[-1]
    assert "set -a; [ -f /home/a/sync.env ] && . /home/a/sync.env; set +a;" in job
    assert "SPOTIFY_TRANSFER_HOME=/home/a/state exec '/opt/my tools/spotify-transfer' sync " \
           "--mirror" in job
    assert '"$HOME/.local/bin/spotify-transfer" sync' in crontab(EXAMPLE)


class FakeTime:
    def __init__(self) -> None:
        self.now = NOW
        self.slept: list[float] = []

    def clock(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)


def test_the_loop_syncs_then_waits_the_interval() -> None:
    time = FakeTime()
    starts: list[datetime] = []
    lines: list[str] = []

    def sync_once() -> None:
        starts.append(time.now)
        time.now += timedelta(seconds=20)

    Every(timedelta(hours=6), sync_once, lines.append, time.sleep, time.clock, turns=3).run()
    assert starts == [NOW, NOW + timedelta(hours=6), NOW + timedelta(hours=12)]
    assert max(time.slept) <= 60, "it sleeps in short naps"
    assert len(lines) == 2 and lines[0].startswith("next sync at ")


def test_a_pause_waits_until_spotify_allows_and_transient_errors_wait_a_turn() -> None:
    time = FakeTime()
    starts: list[datetime] = []
    outcomes: list[Exception | None] = [
        RateLimited("quota", retry_after=10 * 3600, resume_at=NOW + timedelta(hours=10)),
        ServerError("down", status=503), None]

    def sync_once() -> None:
        starts.append(time.now)
        outcome = outcomes.pop(0)
        if outcome is not None:
            raise outcome

    Every(timedelta(hours=1), sync_once, lambda line: None, time.sleep, time.clock,
          turns=3).run()
    assert starts == [NOW, NOW + timedelta(hours=10), NOW + timedelta(hours=11)]


def test_errors_a_person_must_fix_stop_the_loop() -> None:
    time = FakeTime()

    def sync_once() -> None:
        raise AuthError("log in again", account="source")

    with pytest.raises(AuthError):
        Every(timedelta(hours=1), sync_once, lambda line: None, time.sleep, time.clock).run()
    assert time.slept == []


def test_the_summary_line() -> None:
    changes = Changes(saved=Counter({Category.LIKED_SONGS: 3, Category.ARTISTS: 1}), created=1,
                      created_items=12)
    line = summary_line(Account(id="alex.old"), Account(id="alex.new"), changes, 7, "done")
    assert line == ("sync alex.old -> alex.new: +3 liked, +1 artist, +1 playlist (12 items), "
                    "0 removed, 7 calls, done")
    nothing = summary_line(Account(id="a"), Account(id="b"), Changes(), 1, "done")
    assert nothing == "sync a -> b: nothing new, 0 removed, 1 call, done"
    assert summary_line(None, None, Changes(failed=2), 0, "failed: x").endswith(
        "0 removed, 2 failed, 0 calls, failed: x")


def test_the_summary_line_writes_thousands_as_the_plan_and_the_summary_do() -> None:
    changes = Changes(saved=Counter({Category.LIKED_SONGS: 12_345}), created=1,
                      created_items=10_000, removed=1_500)
    line = summary_line(Account(id="a"), Account(id="b"), changes, 2_826, "done")
    assert line == ("sync a -> b: +12,345 liked, +1 playlist (10,000 items), 1,500 removed, "
                    "2,826 calls, done")
