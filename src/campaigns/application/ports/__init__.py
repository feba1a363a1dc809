"""Ports: what the use cases need from the outside world, as typing.Protocol classes, one module per family.

Each adapter subclasses its port explicitly so mypy checks conformance. The data they carry lives
beside the use cases (`queries`, `outbox`, `caching`, `discovery`), not here.
"""
