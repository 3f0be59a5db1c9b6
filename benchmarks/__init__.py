"""`make bench`: latency, time to first token, cold start, indexing, memory and scaling of
treaty-qa, each figure a ratio against a reference measured in the same run (docs/benchmarks.md)."""
