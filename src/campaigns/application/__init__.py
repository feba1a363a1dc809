"""Use cases and the ports they drive; no framework, no driver."""
