"""Presale campaign service."""
