"""lianfang (联防): a city's joint prevention and control platform."""

__version__ = "0.1.0"
