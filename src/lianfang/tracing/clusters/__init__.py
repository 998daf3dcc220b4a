"""Clusters (聚集性疫情): grouping cases by hand, suggestions from shared places, households, units and
trips, and the chain of transmission drawn as SVG."""
