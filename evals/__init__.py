"""Stage 4: measure. The eval set (`dataset.yaml`) → answers from a private index → metrics → gate.

Entry point: `evals.run.run_cli(settings, ...)` (the `treaty-qa eval` command); `run_eval` and
`check_thresholds` for tests. Metrics are pure functions in `evals.metrics`.
"""
