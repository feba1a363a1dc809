"""The Fastly CDN: purges by surrogate key."""
