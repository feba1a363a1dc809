"""Ticketmaster's Discovery API, and its stand-in when none is configured."""
