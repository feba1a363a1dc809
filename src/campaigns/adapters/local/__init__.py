"""Adapters that need no server: in-process caches, the clock, password hashing, local sinks."""
