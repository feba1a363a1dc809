"""The production store on a MongoDB replica set, through PyMongo's async API."""
