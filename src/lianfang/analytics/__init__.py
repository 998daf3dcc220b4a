"""Situation analysis: turn daily case counts into the numbers a command centre decides on.

Pure computations only (numpy and scipy; no I/O, no clock, no database). The public verbs are
`lianfang.analytics.rules.estimate_rt` / `estimate_rt_parametric` (time-varying reproduction number by the
method of Cori et al. 2013), `discretised_si` (a discretised serial-interval distribution) and
`read_counts_csv` (daily local/imported counts from CSV text). `lianfang.analytics.cli.register` adds the
`rt` command to a Typer application.
"""
