"""Benchmarks of helix-lsp against a stock pygls 2 server, run side by side.

``python -m bench`` measures both servers in one run, alternating sample by
sample, with one raw JSON-RPC client, and prints the figures as a table (or as
JSON with ``--json``). This package imports nothing at import time so that
``python -m bench.baseline_server`` starts as fast as a bare pygls server.
"""
