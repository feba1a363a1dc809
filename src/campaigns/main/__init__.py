"""The outermost layer: builds the container and runs the primary adapters (CLI, HTTP server)."""
