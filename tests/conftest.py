"""Shared test configuration: hypothesis profiles, chosen with the HYPOTHESIS_PROFILE environment variable.

`ci` is derandomized so a run is reproducible from its commit alone; `deep` is the exploratory
profile (`make deep-properties`) that searches far more examples from fresh random seeds.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True, print_blob=True)
settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("deep", max_examples=3000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
