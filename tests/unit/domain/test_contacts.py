"""Contacts have one shape: `keyword`, with `keywords` read as its alias; contact objects name someone."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaigns.domain.campaign import CampaignContactRef
from campaigns.domain.contact import Contact
from campaigns.domain.contact_validation import contact_errors, ensure_valid_contacts, looks_like_email
from campaigns.domain.errors import FieldError, ValidationFailed

keyword_lists = st.lists(st.text(max_size=8), max_size=4)
texts = st.text(max_size=12)


def renamed(document: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    return {(new if name == old else name): value for name, value in document.items()}


@given(
    st.fixed_dictionaries({"keyword": keyword_lists}, optional={"_id": texts, "name": texts, "email": texts}),
)
def test_a_campaign_contact_reads_keywords_as_keyword_and_writes_keyword_only(document: dict[str, Any]) -> None:
    aliased = renamed(document, "keyword", "keywords")

    from_json = msgspec.json.decode(msgspec.json.encode(aliased), type=CampaignContactRef)
    converted = msgspec.convert(aliased, CampaignContactRef)

    assert from_json == converted == msgspec.convert(document, CampaignContactRef)
    assert msgspec.to_builtins(converted) == document


@given(texts, texts, texts, keyword_lists)
def test_a_directory_contact_stored_with_keywords_reads_back_with_keyword(
    contact_id: str, name: str, email: str, keywords: list[str]
) -> None:
    stored = msgspec.json.encode({"id": contact_id, "name": name, "email": email, "keywords": keywords})

    contact = msgspec.json.decode(stored, type=Contact)

    assert contact == Contact(id=contact_id, name=name, email=email, keyword=keywords)
    assert msgspec.to_builtins(contact) == {"id": contact_id, "name": name, "email": email, "keyword": keywords}


def test_keyword_and_keywords_together_are_kept_for_validation_to_refuse() -> None:
    both = msgspec.convert({"name": "Ada", "keyword": ["a"], "keywords": ["b"]}, CampaignContactRef)

    assert (both.keyword, both.keywords) == (["a"], ["b"])
    assert list(contact_errors([both])) == [
        FieldError(
            field="contacts.0.keywords", message="`keywords` is an alias of `keyword`: give one of them, not both."
        )
    ]


@given(st.from_regex(r"[^@\s]+@[^@\s]+", fullmatch=True))
def test_one_at_between_non_empty_parts_without_spaces_is_an_email(email: str) -> None:
    assert looks_like_email(email)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "not an email",
        "ada",
        "ada@",
        "@example.test",
        "ada@@example.test",
        "a@b@c",
        "ada @example.test",
        "ada@ex\tample",
    ],
)
def test_anything_else_is_not(text: str) -> None:
    assert not looks_like_email(text)


@pytest.mark.parametrize(
    ("contact", "field"),
    [
        ({}, "contacts.1"),
        ({"_id": "c-2"}, "contacts.1"),
        ({"name": "  ", "keyword": ["ops"]}, "contacts.1"),
        ({"name": "Ada", "email": "not an email"}, "contacts.1.email"),
        ({"email": ""}, "contacts.1.email"),
    ],
)
def test_a_contact_object_names_someone_by_a_name_or_a_well_formed_email(contact: dict[str, Any], field: str) -> None:
    contacts: list[str | CampaignContactRef] = ["c-1", msgspec.convert(contact, CampaignContactRef)]

    with pytest.raises(ValidationFailed) as refused:
        ensure_valid_contacts(contacts)

    assert [error.field for error in refused.value.errors] == [field]


@pytest.mark.parametrize(
    "contact",
    [
        {"name": "Ada"},
        {"email": "ada@example.test"},
        {"name": "", "email": "ada@example.test"},
        {"_id": "c", "name": "A"},
    ],
)
def test_a_name_or_an_email_is_enough(contact: dict[str, Any]) -> None:
    assert list(contact_errors(["c-1", msgspec.convert(contact, CampaignContactRef)])) == []
