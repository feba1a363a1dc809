"""Every error class maps to its HTTP status and stable code in one table."""

from __future__ import annotations

import pytest

from campaigns.application.errors import (
    CampaignNotFound,
    ConcurrentUpdate,
    DependencyUnavailable,
    MarketNotFound,
    TooManyAttempts,
    VersionMismatch,
)
from campaigns.domain.errors import (
    AccessDenied,
    CampaignError,
    DomainAlreadyClaimed,
    FieldError,
    InvalidCampaignPassword,
    InvalidQuery,
    InvalidStatusChange,
    MarketNameTaken,
    SupremeUserRequired,
    ValidationFailed,
)
from campaigns.entrypoints.http.body_deadline import ClientClosedRequest, RequestTimedOut
from campaigns.entrypoints.http.errors import headers_for, problem_for


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (ValidationFailed([FieldError(field="name", message="Required.")]), 400, "INVALID_CAMPAIGN_SCHEMA"),
        (InvalidQuery([FieldError(field="page", message="Too small.", code="INVALID_QUERY")]), 400, "INVALID_QUERY"),
        (InvalidCampaignPassword(), 401, "INVALID_CAMPAIGN_PASSWORD"),
        (AccessDenied(), 403, "INVALID_CAMPAIGN_PERMISSIONS"),
        (SupremeUserRequired(), 403, "SUPREME_USER_REQUIRED"),
        (CampaignNotFound(), 404, "CAMPAIGN_NOT_FOUND"),
        (MarketNotFound(), 404, "MARKET_NOT_FOUND"),
        (DomainAlreadyClaimed(), 409, "CAMPAIGN_WITH_DOMAIN_EXISTS"),
        (MarketNameTaken(), 409, "MARKET_NAME_EXISTS"),
        (InvalidStatusChange(), 409, "INVALID_CAMPAIGN_STATUS_CHANGE"),
        (VersionMismatch(), 412, "VERSION_MISMATCH"),
        (ConcurrentUpdate(), 412, "VERSION_MISMATCH"),
        (RequestTimedOut(), 408, "REQUEST_TIMEOUT"),
        (ClientClosedRequest(), 499, "CLIENT_CLOSED_REQUEST"),
        (TooManyAttempts(42), 429, "TOO_MANY_ATTEMPTS"),
        (DependencyUnavailable(), 503, "DEPENDENCY_UNAVAILABLE"),
    ],
)
def test_each_error_has_its_status_and_code(error: CampaignError, status: int, code: str) -> None:
    problem = problem_for(error)

    assert (problem.status, problem.code) == (status, code)


def test_validation_problems_list_every_field() -> None:
    error = ValidationFailed(
        [FieldError(field="name", message="Required."), FieldError(field="tour.name", message="x")]
    )

    assert [item.field for item in problem_for(error).errors] == ["name", "tour.name"]


def test_an_unexpected_error_is_a_500_that_leaks_nothing() -> None:
    problem = problem_for(RuntimeError("database password is hunter2"))

    assert (problem.status, problem.code) == (500, "INTERNAL_ERROR")
    assert "hunter2" not in problem.detail


def test_too_many_attempts_says_when_to_retry_and_other_errors_add_no_header() -> None:
    assert headers_for(TooManyAttempts(42)) == {"Retry-After": "42"}
    assert headers_for(InvalidCampaignPassword()) is None
