"""Centralised isolation sites (集中隔离点) with rooms, their capacity, and placing a person under an order
in a room."""
