"""Operating characteristics of pooled testing (Dorfman, square array) and the `pool-advice` command."""
