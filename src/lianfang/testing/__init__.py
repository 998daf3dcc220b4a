"""Mass nucleic-acid testing with pooled samples (混采, e.g. 10混1).

Pure operating characteristics of pooling schemes: expected tests per person, pooling sensitivity and
specificity, and the pool size that uses the fewest tests at a given prevalence
(`lianfang.testing.pooling.dorfman`, `square_array`, `advise`). `lianfang.testing.cli.register` adds the
`pool-advice` command to a Typer application.
"""
