"""The `campaigns` command line: `root.py` assembles it, one module per group of commands."""
