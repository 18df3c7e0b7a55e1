"""Benchmarks of spotify-transfer against the sandbox: API calls against the least possible,
wall time with and without emulated latency, and the tool's peak memory.

A development tool, not part of the package and not run by the tests or CI:
``python -m benchmarks --help``. ``benchmarks/README.md`` says what is measured and how.
"""
