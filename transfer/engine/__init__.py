"""The engine: read both accounts, diff, and apply the plan with a journal, resumably.

See :mod:`transfer.engine.runner` for the run's life and :mod:`transfer.engine.apply` for how
each write is journaled around its request.
"""

from transfer.engine.runner import LIVE, CallMeter, Engine, PreparedPlan, RunReport

__all__ = ["LIVE", "CallMeter", "Engine", "PreparedPlan", "RunReport"]
