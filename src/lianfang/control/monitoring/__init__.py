"""Daily health monitoring of people under orders: the person's own page and report, the follow-up list
of missed reports and the tests due today."""
