"""`python -m lianfang` is the `lianfang` command."""

from lianfang.cli import main

main()
