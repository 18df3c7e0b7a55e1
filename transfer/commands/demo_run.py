"""The steps of ``spotify-transfer demo``, against a sandbox already started: log in, plan,
transfer, check, run again, verdict. Each step prints what it did, honestly: the check reads
both accounts afresh and compares them rule by rule; the API calls are set against the least
any tool could use; faults the sandbox injected are counted from its own log."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from transfer.auth import LoginDialog, log_in
from transfer.commands.demo import SOURCE_USER, TARGET_USER, browser_signed_in_as
from transfer.commands.pair import (
    Pair,
    make_engine,
    open_journal,
    open_pair,
    prepare,
    run_with_report,
)
from transfer.environment import Environment
from transfer.errors import TransferError
from transfer.export import read_library
from transfer.journal import Journal
from transfer.models import Account
from transfer.plan import least_calls
from transfer.render import render_plan
from transfer.render.safe import echo, safe_name
from transfer.render.words import number, plural
from transfer.report import ReportDocument
from transfer.report.check import CheckResult, check_transfer
from transfer.sandbox.builtin import builtin_facts
from transfer.sandbox.faults import Faults
from transfer.sandbox.requestlog import LoggedRequest
from transfer.sandbox.server import SandboxServer

FAULT_NAMES = {
    "rate_limit": "429 rate limit",
    "cover_rate_limit": "429 cover rate limit",
    "quota": "429 quota",
    "error": "5xx before applying",
    "after_apply_502": "502 after applying",
    "dropped": "answer lost after applying",
}


@dataclass(frozen=True)
class Rerun:
    reads: int
    writes: int
    empty: bool


class DemoRun:
    def __init__(self, env: Environment, server: SandboxServer, faults: Faults | None,
                 kept: bool) -> None:
        self.env = env
        self.server = server
        self.faults = faults
        """Faults for the plan and the transfer; the check and the second run go without."""
        self.kept = kept

    def say(self, text: str = "") -> None:
        echo(text, file=self.env.stdout)

    def run(self) -> None:
        self.introduce()
        self.log_in_both()
        pair = open_pair(self.env, None)
        with open_journal(self.env.settings, pair) as journal:
            engine = make_engine(self.env, pair, journal)
            self.say("\n2. The plan (nothing is written yet)\n")
            start = len(self.server.request_log.entries)
            clean = self.server.faults
            if self.faults is not None:
                self.server.set_faults(self.faults, rng_seed=0)
            prepared = prepare(self.env, engine)
            self.say(render_plan(prepared.plan, prepared.reads, prepared.origin))
            self.say("3. The transfer\n")
            outcome = run_with_report(self.env, engine, pair, lambda: engine.apply(prepared))
            injected = self._faults_since(start)
            self.server.set_faults(clean)
            self.say()
            check, least = self.check(pair, outcome.document, prepared.target_playlist_ids)
            rerun = self.run_again(pair, journal)
        self.verdict(outcome.document, check, least, rerun, injected)

    def introduce(self) -> None:
        facts = builtin_facts()
        self.say("spotify-transfer demo: the whole transfer against a local Spotify sandbox. "
                 "Nothing leaves this machine.\n")
        self.say(f"The sandbox at {self.server.base_url} plays Spotify with made-up accounts:")
        self.say(f"  source  Alex (old account) ({SOURCE_USER}): "
                 f"{plural(len(facts.playlist_ids), 'playlist')} "
                 f"({number(len(facts.owned_playlist_ids))} of them owned, "
                 f"{number(facts.owned_entries)} entries), "
                 f"{number(facts.liked_songs)} Liked Songs, {number(facts.saved_albums)} albums, "
                 f"{number(facts.followed_artists)} artists, {number(facts.saved_shows)} shows, "
                 f"{number(facts.saved_episodes)} episodes, "
                 f"{number(facts.saved_audiobooks)} audiobooks")
        self.say(f"  target  Alex ({TARGET_USER}): empty")
        where = self.env.settings.home
        self.say(f"The tool's state (tokens, journal, reports) goes to {where}"
                 + ("" if self.kept else ", removed at the end (--keep keeps it)"))
        if self.faults is not None:
            self.say("Faults are on for the plan and the transfer: some requests are refused "
                     "with 429 (Retry-After) or fail with 5xx, some writes are applied but "
                     "answered 502.")

    def log_in_both(self) -> None:
        self.say("\n1. Log-in of both accounts (PKCE, through a stand-in browser)\n")
        settings = self.env.settings
        for account, user in (("source", SOURCE_USER), ("target", TARGET_USER)):
            dialog = LoginDialog(show=lambda text: None, read_redirect=lambda prompt: "",
                                 open_browser=browser_signed_in_as(user), timeout=60)
            who = log_in(account, settings, self.env.token_store(), dialog)
            self.say(f"  {account}: {_name(who)}")

    def check(self, pair: Pair, document: ReportDocument, target_had: Sequence[str]
              ) -> tuple[CheckResult, int]:
        """Read both accounts again and compare; the least calls the job could have cost."""
        self.say("4. The check: both accounts read again and compared, rule by rule as "
                 "`spotify-transfer verify` does\n")
        before = pair.calls()
        assert pair.source is not None
        source = read_library(pair.source)
        target = read_library(pair.target)
        result = check_transfer(source, target, document, target_had=target_had)
        self.say(result.render())
        self.say(f"  ({number(pair.calls() - before)} API calls to read both accounts for "
                 "this check.)")
        return result, least_calls(source).total

    def run_again(self, pair: Pair, journal: Journal) -> Rerun:
        self.say("\n5. The same transfer once more: it must find nothing to do\n")
        start = len(self.server.request_log.entries)
        engine = make_engine(self.env, pair, journal)
        prepared = engine.prepare()
        engine.apply(prepared)
        entries = [e for e in self.server.request_log.entries[start:] if e.is_api]
        writes = sum(1 for entry in entries if entry.is_write)
        rerun = Rerun(reads=len(entries) - writes, writes=writes, empty=prepared.plan.is_empty)
        state = "nothing to do" if rerun.empty else "it found work to do"
        self.say(f"  {state}: {plural(rerun.reads, 'read')}, {plural(rerun.writes, 'write')} "
                 "(counted by the sandbox)")
        return rerun

    def _faults_since(self, start: int) -> Counter[str]:
        entries: list[LoggedRequest] = self.server.request_log.entries[start:]
        return Counter(entry.fault for entry in entries if entry.fault)

    def verdict(self, document: ReportDocument, check: CheckResult, least: int, rerun: Rerun,
                injected: Counter[str]) -> None:
        used = document.api_calls.total
        self.say(f"\nAPI calls for the transfer: {number(used)} "
                 f"({number(document.api_calls.reads)} reads, "
                 f"{number(document.api_calls.writes)} writes); the least any tool could use "
                 f"is {number(least)} ({(used - least) / least:+.1%}).")
        if injected:
            kinds = ", ".join(f"{number(count)} × {FAULT_NAMES.get(kind, kind)}"
                              for kind, count in injected.most_common())
            self.say(f"The sandbox injected {plural(sum(injected.values()), 'fault')} ({kinds}) "
                     "in the plan and the transfer; the retries and checks they caused are in "
                     "the count.")
        correct = check.ok and document.run.complete and rerun.empty and rerun.writes == 0
        if not correct:
            problems = check.problems + (not document.run.complete) + (rerun.writes > 0)
            raise TransferError(
                f"Verdict: NOT CORRECT. {plural(problems, 'problem')} found (above).",
                advice="Please report this, with the output above.",
            )
        cannot = sum(count for reason, count in document.summary.skipped_by_reason.items()
                     if reason in ("local_file", "unavailable"))
        unread = sum(count for reason, count in document.summary.skipped_by_reason.items()
                     if reason in ("malformed", "unreadable"))
        odd = (f"; {plural(unread, 'element')} Spotify sent in a shape that cannot be read (and "
               "playlists with a page of nothing readable) are reported where they were"
               if unread else "")
        self.say(f"\nVerdict: CORRECT. Everything that can move moved, exactly once and in "
                 f"order; {plural(cannot, 'item')} that Spotify's API cannot add (local files, "
                 f"unavailable tracks) are reported by name{odd}.")


def _name(account: Account) -> str:
    return f"{safe_name(account.display_name)} ({account.id})" if account.display_name \
        else account.id
