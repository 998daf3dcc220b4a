"""Work groups sent to districts (督导组) and their findings, which become directives."""
