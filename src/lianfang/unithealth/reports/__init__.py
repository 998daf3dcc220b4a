"""Daily unit health reports (日报告 / 零报告), corrections, and reminders to units that have not reported."""
