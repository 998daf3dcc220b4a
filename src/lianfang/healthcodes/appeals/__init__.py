"""Appeals (申诉, RULES.md §4.3): filed by the person or the 12345 hotline, decided by the community."""
