"""Learning, during a run, the order Spotify gives the items of one ``PUT /me/library``, and
sending the rest of the run's saves accordingly (:mod:`transfer.plan.save_order`).

While the journal has not learnt it, the first save holding three Liked Songs or more (else
three items of another saved kind) is the probe: its key is kept as a run fact *before* it is
sent, it is sent as planned, and the first page of ``GET /me/tracks`` (or of that kind's
collection; newest first, one call) is read back; only the items just sent are compared, so
what the target held already does not matter. Then, in one journal transaction:
what was learnt is kept for the pair (later runs plan with it), the probe's items that did not
land in order are removed and saved again (the least writes that give the exact order), and
the run's saves not sent yet are rewritten for that order. When the order is arbitrary this
costs a call per saved item: ``approve`` is asked first, and a no stops the run (``Declined``)
with nothing lost.

A run killed after the probe was sent and before that transaction finds the probe fact when it
resumes, settles the probe as any lost answer, and reads it back then, before anything else is
sent: nothing is doubled or left out of order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from transfer.errors import Declined
from transfer.journal import ActionRecord, Journal, Outcome
from transfer.plan import Action, SaveLibraryItems, category_of
from transfer.plan.save_order import (
    LEARNT,
    SaveOrder,
    arrange,
    judge,
    learnt_order,
    probe_items,
    repair,
)
from transfer.spotify import SpotifyAdapter

log = logging.getLogger(__name__)

PROBE_FACT = "library_order_probe"
"""The run fact: the key of the save sent to learn the order (None once given up on)."""
ARRANGED_FACT = "library_order"
"""The run fact: the order the run's saves not yet sent were rewritten for."""


class Calibration:
    """The order learning of one run. ``plan_order``: the order its plan was made for."""

    def __init__(
        self,
        target: SpotifyAdapter,
        journal: Journal,
        run_id: int,
        plan_order: SaveOrder | None,
        approve: Callable[[int], bool],
        warn: Callable[[str], None],
    ) -> None:
        self.target = target
        self.journal = journal
        self.run_id = run_id
        self.approve = approve
        self.warn = warn
        facts = journal.facts(run_id)
        arranged = facts.get(ARRANGED_FACT)
        self.order = SaveOrder(arranged) if arranged else plan_order
        self.probe: str | None = facts.get(PROBE_FACT)

    def catch_up(self) -> None:
        """Before the run sends anything: finish what a stopped attempt left (a probe sent
        but not read back), or use an order the journal learnt since the plan was made."""
        if self.order is not None:
            return
        if self.probe is not None:
            self._after(self.probe)
            return
        learnt = learnt_order(self.journal.learnt(LEARNT))
        if learnt is not None:
            self._rearrange(learnt, None, ())

    def before(self, record: ActionRecord) -> None:
        """Keep ``record`` as the probe when the order is still to be learnt and it can
        teach it (before it is sent)."""
        if self.order is None and self.probe is None and probe_items(record.action):
            self.journal.set_fact(self.run_id, PROBE_FACT, record.key)
            self.probe = record.key

    def after(self, record: ActionRecord) -> None:
        """Once the probe was sent: read it back, learn, rearrange."""
        if self.order is None and self.probe == record.key:
            self._after(record.key)

    def _after(self, key: str) -> None:
        outcome = self.journal.outcome(self.run_id, key)
        if outcome in (Outcome.PENDING, Outcome.SENT, Outcome.UNKNOWN):
            return  # not sent yet, or its answer still to be settled: it stays the probe
        if outcome is not Outcome.DONE:
            self._give_up()
            return
        action = _action(self.journal, self.run_id, key)
        sent = probe_items(action)
        category = category_of(sent[0])
        newest_first = [item.uri for item in self.target.saved_page(category, 0).items]
        order = judge(sent, newest_first)
        if order is None:
            self.warn(f"The {category.value.replace('_', ' ')} just saved were not found on top "
                      "of the target's (saved there meanwhile?): the order of one save is "
                      "learnt from the next batch instead.")
            self._give_up()
            return
        wanted = set(sent)
        shown = [uri for uri in reversed(newest_first) if uri in wanted]
        assert isinstance(action, SaveLibraryItems)
        self._rearrange(order, key, repair(action.uris, shown, order))

    def _rearrange(self, order: SaveOrder, probe: str | None, repaired: tuple[Action, ...]
                   ) -> None:
        replace: dict[str, tuple[Action, ...]] = {}
        for record in self.journal.actions(self.run_id, [Outcome.PENDING]):
            requests = arrange(record.action, order) if isinstance(
                record.action, SaveLibraryItems) else (record.action,)
            if requests != (record.action,):
                replace[record.key] = requests
        extra = len(repaired) + sum(len(requests) - 1 for requests in replace.values())
        log.info("Spotify %s: %d more call(s) to keep the order", order.text, extra)
        if order is SaveOrder.ARBITRARY and extra and not self.approve(extra):
            raise Declined(
                f"Spotify mixes up the order of the items of one save: keeping the order of "
                f"Liked Songs (and other saved items) takes {extra} more call(s), one per item.",
                advice="Nothing is lost: run the same command again to be asked again "
                       "(transfer --yes accepts).",
            )
        after = {probe: repaired} if probe is not None and repaired else {}
        self.journal.rearrange(self.run_id, replace, after, facts={ARRANGED_FACT: order.value},
                               learnt={LEARNT: order.value})
        self.order = order
        if order is SaveOrder.ARBITRARY:
            self.warn(f"Spotify {order.text}: the rest is saved one item per request so that "
                      f"the order is kept ({extra} more call(s)).")

    def _give_up(self) -> None:
        self.journal.set_fact(self.run_id, PROBE_FACT, None)
        self.probe = None


def _action(journal: Journal, run_id: int, key: str) -> Action:
    for record in journal.actions(run_id):
        if record.key == key:
            return record.action
    raise KeyError(key)
