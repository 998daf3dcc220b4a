"""The supervision board (督办看板) and the leader's view: pre-aggregated counts the worker refreshes."""
