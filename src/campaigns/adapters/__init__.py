"""Secondary adapters: one per technology and port."""
