"""Primary adapters: the HTTP API, the scheduler and the command line."""
