"""The tracing metrics of ANALYTICS.md §3.5 (found under control, recall) as a page and an API."""
