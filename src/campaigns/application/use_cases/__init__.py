"""One use case per module, each a class with a single `execute`."""
