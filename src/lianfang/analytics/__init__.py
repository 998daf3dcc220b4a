"""Situation analysis (态势研判): the command dashboard read from pre-aggregated tables, and the numbers a
command centre decides on.

Flat module. rules: pure computations (the time-varying reproduction number `estimate_rt` /
`estimate_rt_parametric` by the method of Cori et al. 2013, `discretised_si`, `read_counts_csv`, and
the dashboard's parameters); refresh: the pre-aggregation of `analytics_daily` / `analytics_now`
(`refresh`, a job and a periodic task); views: `dashboard` (one read of the city or a district);
render: the Plotly figure specifications and the district tile map; ports: panels that modules
analytics may not import contribute to the dashboard (`install`, called by `app.build_runtime`);
cli: the `rt` command.
Publishes: nothing. Consumes: tracing CaseOpened, CaseStatusChanged, ContactConfirmed (a refresh soon).
"""
