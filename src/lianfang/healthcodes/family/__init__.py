"""他人代查 (RULES.md §4.2): a resident adds up to four other people to see their codes."""
