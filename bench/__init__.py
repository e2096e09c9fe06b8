"""``make bench``: the benchmark of issue 7 (``python -m bench.run --help``); results in docs/benchmarks.md."""
