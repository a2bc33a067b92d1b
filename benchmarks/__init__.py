"""Benchmarks: temporal-runtime against idiomatic raw temporalio (run ``python benchmarks/run.py``)."""
