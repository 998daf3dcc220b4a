"""Tubes and samples at a sampling site: open a tube, register people's samples (set-based, served by
hot paths with group commit), close and ship it."""
