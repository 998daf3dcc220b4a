"""Venue codes (场所码) and their posters, the registrar declaration, and the venues hub."""
