"""The embedded profile: the store on SQLite (aiosqlite), one file, no server."""
