"""Reliability: the tool against faults, crashes, bad input, and for its secrets.

The fast part runs with the rest of the tests (``pytest tests/reliability``):

- ``test_faults``: the engine through 429 storms, a spent quota, random 5xx, writes applied
  whose answer is lost (502 or a dropped connection) and answers slower than the timeout;
- ``test_crashes``: ``transfer`` in processes of its own, SIGKILLed at random requests, at a
  random moment and right after each kind of write reached the sandbox, then resumed; a spent
  quota ends a process with 75 within seconds;
- ``test_bad_input``: damaged and newer snapshots, wrong settings, revoked and narrow log-ins,
  the same account twice, a damaged journal, state folders that cannot be used, names in many
  scripts, long descriptions, 10,000 items, an empty library;
- ``test_security``: no token outside the token files after a full run at ``-vv``, private
  token files, the log-in listener on 127.0.0.1 only, deaf to a wrong ``state``;
- ``test_expectation``: the exactness check itself (``expectation.py``), which every run above
  ends with: the target read back through an export against what the seed says it must hold.

The soak is a separate command that prints a table (``python -m tests.reliability.soak
--help``): the built-in library through each fault at Spotify-like rates with real waits,
20 kills at random requests and moments, and the API calls of a transfer killed ten times
and resumed against one never killed.
"""
