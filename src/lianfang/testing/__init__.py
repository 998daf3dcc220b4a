"""Mass nucleic-acid testing with pooled samples (混采, e.g. 10混1).

Pure operating characteristics of pooling schemes: expected tests per person, pooling sensitivity and
specificity, and the pool size that uses the fewest tests at a given prevalence
(`lianfang.testing.pooling.rules.dorfman`, `square_array`, `advise`). `lianfang.testing.pooling.cli.register` adds the
`pool-advice` command to a Typer application.

Rounds over an area with pooling modes per area and per zone (`service.order_round`, `zones.ZoneArea`:
testing knows zones only as what the caller hands over; `control.testing_round` orders rounds for its
zones). Sample registration goes through `register.register` (set-based checks and writes for many
requests at once), served by hot paths with group commit (`fast`) and, for pages, one request at a
time (`tubes.add_samples`). `demo.seed_testing` adds the demo city's round.
"""
