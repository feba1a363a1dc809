"""The table of use case errors (the API documentation's source) against what the use cases' code raises."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

from campaigns.application import use_cases
from campaigns.application.errors import (
    CampaignNotFound,
    ConcurrentUpdate,
    DependencyFailed,
    DependencyUnavailable,
    TransactionAborted,
    VersionMismatch,
)
from campaigns.application.use_case_errors import ERRORS_BY_USE_CASE
from campaigns.application.use_cases.get_campaign import GetCampaign
from campaigns.application.use_cases.update_campaign_faqs import UpdateCampaignFaqs
from campaigns.domain.errors import (
    AccessDenied,
    DomainAlreadyClaimed,
    InvalidEventStatus,
    MarketNameTaken,
    PromoterNameTaken,
    SupremeUserRequired,
)
from campaigns.domain.event_status_validation import ensure_valid_event_status
from campaigns.domain.permissions import Principal
from tests.raised_errors import raised_by_class

RAISED_BEHIND_PORTS = frozenset(
    {
        DependencyUnavailable,
        DependencyFailed,
        ConcurrentUpdate,
        TransactionAborted,
        DomainAlreadyClaimed,
        MarketNameTaken,
        PromoterNameTaken,
    }
)
"""What adapters raise: an unreachable or failing server, a unique key, a lost compare-and-set or transaction."""


def _use_case_classes() -> list[type]:
    found = []
    for info in pkgutil.iter_modules(use_cases.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{use_cases.__name__}.{info.name}")
        found += [
            value
            for value in vars(module).values()
            if inspect.isclass(value) and value.__module__ == module.__name__ and hasattr(value, "execute")
        ]
    return found


USE_CASES = [pytest.param(use_case, id=use_case.__name__) for use_case in _use_case_classes()]


def test_every_use_case_has_an_entry() -> None:
    missing = {use_case.__name__ for use_case in _use_case_classes()} - {c.__name__ for c in ERRORS_BY_USE_CASE}

    assert not missing, f"add these to ERRORS_BY_USE_CASE: {sorted(missing)}"
    assert len(USE_CASES) >= 35


@pytest.mark.parametrize("use_case", USE_CASES)
def test_every_error_the_code_raises_is_in_the_table(use_case: type) -> None:
    unlisted = raised_by_class(use_case) - ERRORS_BY_USE_CASE[use_case]

    assert not unlisted, f"{use_case.__name__} can raise {sorted(e.__name__ for e in unlisted)}, not in its entry"


@pytest.mark.parametrize("use_case", USE_CASES)
def test_the_table_lists_only_errors_the_code_or_its_ports_raise(use_case: type) -> None:
    unexplained = ERRORS_BY_USE_CASE[use_case] - raised_by_class(use_case) - RAISED_BEHIND_PORTS

    assert not unexplained, f"{use_case.__name__} never raises {sorted(e.__name__ for e in unexplained)}"


def test_the_analysis_follows_calls_into_the_domain() -> None:
    """`principal.ensure(...)` raises AccessDenied from the domain; the use case raises CampaignNotFound itself."""
    assert raised_by_class(GetCampaign) == {AccessDenied, CampaignNotFound}


def test_the_analysis_follows_a_use_case_into_the_helper_it_composes() -> None:
    """UpdateCampaignFaqs never raises VersionMismatch itself: the CampaignWrites it builds does."""
    assert VersionMismatch in raised_by_class(UpdateCampaignFaqs)


class _NewRaise:
    async def execute(self, principal: Principal, status: str) -> None:
        ensure_valid_event_status(status, None)
        if principal.user_id is None:
            raise CampaignNotFound


class _CaughtRaise:
    async def execute(self, principal: Principal) -> None:
        try:
            principal.ensure_supreme()
        except SupremeUserRequired:
            return


def test_a_raise_in_the_use_case_or_in_a_helper_it_calls_is_seen() -> None:
    assert raised_by_class(_NewRaise) == {InvalidEventStatus, CampaignNotFound}


def test_an_error_caught_on_the_way_is_not_raised() -> None:
    assert raised_by_class(_CaughtRaise) == set()
