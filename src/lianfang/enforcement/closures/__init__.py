"""Closure orders for venue types (R16): every open venue of the type in the jurisdiction is closed and
kept closed while the order stands."""
