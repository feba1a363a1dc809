"""Redis: the campaign documents sink, the shared caches, cache invalidation and the attempt limit."""
