"""The contact directory: supreme-only search, filled by the campaign contacts sub-resource.

Contacts have one shape (spec §3): `keyword` on the wire everywhere, `keywords` accepted as its
alias on input and in documents stored before; a contact object names someone, by a `name` or an
email that looks like one.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from bson import ObjectId

from campaigns.adapters.mongo.database import MongoDatabase
from campaigns.adapters.sqlite.database import SqliteDatabase
from campaigns.main.container import resolve
from tests.integration.http.support import (
    Api,
    Client,
    Json,
    Tokens,
    assert_problem,
    bearer,
    event_types,
    valid_campaign_body,
)

pytestmark = pytest.mark.integration

ADA: Json = {"name": "Ada Lovelace", "email": "Ada@Example.test", "keyword": ["Ops", "London"]}
BOB: Json = {"name": "Bob Stone", "email": "bob@other.test", "keyword": ["security"]}
CY: Json = {"name": "Cy Twombly", "email": "cy@example.test", "keyword": []}


async def campaign(api: Api, site: str, **fields: Any) -> str:
    created = await api.create(valid_campaign_body(site, **fields))
    campaign_id: str = created["id"]
    return campaign_id


async def save_contacts(api: Api, campaign_id: str, contacts: list[Any]) -> list[Any]:
    response = await api.client.post(f"/campaigns/{campaign_id}/contacts", json=contacts, headers=api.supreme)
    assert response.status_code == 200, response.text
    saved: list[Any] = response.json()
    return saved


async def search(api: Api, **params: Any) -> Json:
    response = await api.client.get("/contacts", params=params, headers=api.supreme)
    assert response.status_code == 200, response.text
    found: Json = response.json()
    assert list(found) == ["contacts", "pagination"]
    return found


def names(found: Json) -> list[str]:
    return [contact["name"] for contact in found["contacts"]]


def contact_events(api: Api) -> list[str]:
    return [kind for kind in event_types(api.pending()) if kind.startswith("contact.")]


# --------------------------------------------------------------------------- search


async def test_search_matches_name_email_or_keyword_ignoring_case(api: Api) -> None:
    await save_contacts(api, await campaign(api, "search-contacts"), [BOB, CY, ADA])

    assert names(await search(api, q="LOVELACE")) == ["Ada Lovelace"]  # name
    assert names(await search(api, q="example.TEST")) == ["Ada Lovelace", "Cy Twombly"]  # email
    assert names(await search(api, q="ops")) == ["Ada Lovelace"]  # keyword
    assert names(await search(api, q="SECUR")) == ["Bob Stone"]  # part of a keyword
    assert (await search(api, q="nobody")) == {"contacts": [], "pagination": {"page": 0, "pageSize": 10, "total": 0}}


async def test_without_q_every_contact_is_found_by_name(api: Api) -> None:
    await save_contacts(api, await campaign(api, "all-contacts"), [CY, ADA, BOB])

    everyone = await search(api)
    empty_q = await search(api, q="")

    assert names(everyone) == ["Ada Lovelace", "Bob Stone", "Cy Twombly"]
    assert everyone["pagination"] == {"page": 0, "pageSize": 10, "total": 3}
    assert empty_q == everyone


async def test_search_pages_count_from_zero_and_total_counts_every_match(api: Api) -> None:
    people = [{"name": f"Person {n:02}", "email": f"p{n}@example.test"} for n in range(5)]
    await save_contacts(api, await campaign(api, "paged-contacts"), [*people, BOB])

    first = await search(api, q="example", pageSize=2)
    last = await search(api, q="example", page=2, pageSize=2)
    beyond = await search(api, q="example", page=3, pageSize=2)

    assert names(first) == ["Person 00", "Person 01"]
    assert first["pagination"] == {"page": 0, "pageSize": 2, "total": 5}
    assert names(last) == ["Person 04"]
    assert last["pagination"] == {"page": 2, "pageSize": 2, "total": 5}
    assert beyond["contacts"] == []
    assert beyond["pagination"]["total"] == 5


async def test_a_found_contact_has_its_directory_shape(api: Api) -> None:
    await save_contacts(api, await campaign(api, "contact-shape"), [ADA])

    (found,) = (await search(api, q="ada"))["contacts"]

    assert re.fullmatch(r"[0-9a-f]{24}", found["id"])
    assert found == {
        "id": found["id"],
        "name": "Ada Lovelace",
        "email": "Ada@Example.test",
        "keyword": ["Ops", "London"],
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"pageSize": "0"}, "pageSize"),
        ({"pageSize": "101"}, "pageSize"),
        ({"pageSize": "ten"}, "pageSize"),
        ({"page": "-1"}, "page"),
        ({"page": "first"}, "page"),
    ],
)
async def test_bad_paging_is_400_naming_the_parameter(
    client: Client, supreme: dict[str, str], params: Json, field: str
) -> None:
    response = await client.get("/contacts", params=params, headers=supreme)

    assert_problem(response, 400, "INVALID_QUERY", field=field)


async def test_the_search_needs_a_token(client: Client) -> None:
    assert_problem(await client.get("/contacts"), 401, "UNAUTHENTICATED")


async def test_the_search_is_refused_to_a_campaign_manager(api: Api, client: Client, tokens: Tokens) -> None:
    campaign_id = await campaign(api, "manager-search")
    await save_contacts(api, campaign_id, [ADA])

    response = await client.get(
        "/contacts", headers=bearer(tokens.for_campaign(campaign_id, ["read", "write", "admin"]))
    )

    assert_problem(response, 403, "SUPREME_USER_REQUIRED")


# --------------------------------------------------------------------------- filled by campaign contacts


async def test_campaign_contacts_become_findable_and_the_campaign_keeps_its_list(api: Api) -> None:
    campaign_id = await campaign(api, "files-contacts")
    given = ["c-legacy-id", {"_id": "c-3", **ADA}]

    saved = await save_contacts(api, campaign_id, given)

    assert saved[0] == "c-legacy-id"
    assert saved[1].items() >= {"_id": "c-3", **ADA}.items()
    assert (await api.campaign(campaign_id))["contacts"] == saved
    found = await search(api, q="lovelace")
    assert names(found) == ["Ada Lovelace"]
    assert found["contacts"][0]["id"] != "c-3"  # a directory id of its own
    assert contact_events(api) == ["contact.created"]
    assert (await search(api))["pagination"]["total"] == 1  # the bare id is not filed


async def test_the_same_email_is_the_same_contact_across_campaigns(api: Api) -> None:
    first = await campaign(api, "first-contacts")
    second = await campaign(api, "second-contacts")
    await save_contacts(api, first, [ADA])
    (before,) = (await search(api, q="ada"))["contacts"]

    await save_contacts(api, second, [{"name": "Ada King", "email": "ADA@example.TEST"}])

    (after,) = (await search(api, q="ada"))["contacts"]
    assert after["id"] == before["id"]
    assert after["name"] == "Ada King"
    assert after["keyword"] == ["Ops", "London"]  # not given: kept
    assert after["email"] == "Ada@Example.test"
    assert contact_events(api) == ["contact.created", "contact.updated"]
    assert [entry.event.aggregate_id for entry in api.pending() if entry.event.aggregate_id == before["id"]] == [
        before["id"],
        before["id"],
    ]


async def test_saving_the_same_contacts_again_writes_no_contact(api: Api) -> None:
    campaign_id = await campaign(api, "same-contacts")
    await save_contacts(api, campaign_id, [ADA, BOB])
    version = (await api.campaign(campaign_id))["version"]

    await save_contacts(api, campaign_id, [ADA, BOB])

    assert (await api.campaign(campaign_id))["version"] == version
    assert contact_events(api) == ["contact.created", "contact.created"]
    assert (await search(api))["pagination"]["total"] == 2


async def test_contacts_a_campaign_already_had_are_filed_when_saved_again(api: Api) -> None:
    campaign_id = await campaign(api, "had-contacts", contacts=[ADA])
    assert (await search(api))["contacts"] == []  # a campaign create does not file them
    version = (await api.campaign(campaign_id))["version"]

    await save_contacts(api, campaign_id, [ADA])

    assert names(await search(api, q="ada")) == ["Ada Lovelace"]
    assert (await api.campaign(campaign_id))["version"] == version  # the campaign itself is unchanged


async def test_one_email_twice_in_a_list_is_one_contact(api: Api) -> None:
    await save_contacts(
        api, await campaign(api, "twice-contacts"), [ADA, {"name": "Ada L.", "email": "ada@example.test"}]
    )

    found = await search(api, q="ada")
    assert names(found) == ["Ada L."]
    assert found["contacts"][0]["keyword"] == ["Ops", "London"]
    assert contact_events(api) == ["contact.created"]


async def test_contact_objects_without_an_email_are_not_filed(api: Api) -> None:
    campaign_id = await campaign(api, "no-email-contacts")

    saved = await save_contacts(api, campaign_id, [{"_id": "c-9", "name": "Without Email"}, {"name": "Pat"}])

    assert len(saved) == 2
    assert (await search(api))["contacts"] == []
    assert contact_events(api) == []


async def test_a_refused_campaign_contacts_update_files_nothing(api: Api, client: Client, tokens: Tokens) -> None:
    campaign_id = await campaign(api, "refused-contacts")
    reader = bearer(tokens.for_campaign(campaign_id, ["read"]))

    stale = await client.post(
        f"/campaigns/{campaign_id}/contacts", json=[ADA], headers={**api.supreme, "If-Match": '"99"'}
    )
    forbidden = await client.post(f"/campaigns/{campaign_id}/contacts", json=[ADA], headers=reader)
    unknown = await client.post("/campaigns/0123456789abcdef01234567/contacts", json=[ADA], headers=api.supreme)

    assert_problem(stale, 412, "VERSION_MISMATCH")
    assert_problem(forbidden, 403, "INVALID_CAMPAIGN_PERMISSIONS")
    assert_problem(unknown, 404, "CAMPAIGN_NOT_FOUND")
    assert (await search(api))["contacts"] == []
    assert contact_events(api) == []
    assert (await api.campaign(campaign_id))["contacts"] == []


async def test_a_campaign_contacts_update_commits_the_campaign_and_contacts_together(api: Api) -> None:
    campaign_id = await campaign(api, "together-contacts")

    await save_contacts(api, campaign_id, [ADA])

    tail = event_types(api.pending())[-3:]
    assert tail == ["campaign.updated", "campaign.event-mapping", "contact.created"]


# --------------------------------------------------------------------------- one shape, `keywords` as an alias


def with_keywords(contact: Json) -> Json:
    """`contact` as the directory stored it before `keyword` took the legacy's name."""
    return {("keywords" if name == "keyword" else name): value for name, value in contact.items()}


async def _stored(api: Api, table: str, document_id: str) -> Json:
    database = await resolve(api.container.store.database)
    if isinstance(database, SqliteDatabase):
        rows = await database.reader.execute_fetchall(f"SELECT document FROM {table} WHERE id = ?", (document_id,))  # noqa: S608 - a fixed table name
        document: Json = json.loads(next(iter(rows))[0])
        return document
    assert isinstance(database, MongoDatabase)
    found = await database.database[table].find_one({"_id": ObjectId(document_id)})
    assert found is not None
    return {name: value for name, value in found.items() if name != "_id"}


async def _store(api: Api, table: str, document_id: str, document: Json) -> None:
    database = await resolve(api.container.store.database)
    if isinstance(database, SqliteDatabase):
        await database.connection.execute(
            f"UPDATE {table} SET document = ? WHERE id = ?",  # noqa: S608 - a fixed table name
            (json.dumps(document).encode(), document_id),
        )
    else:
        assert isinstance(database, MongoDatabase)
        await database.database[table].replace_one({"_id": ObjectId(document_id)}, document)


def stored(api: Api, table: str, document_id: str) -> Json:
    """A document as the store holds it, read behind the service's back (on the app's event loop)."""
    return api.client.blocking_portal.call(_stored, api, table, document_id)


def store(api: Api, table: str, document_id: str, document: Json) -> None:
    """Replace a stored document behind the service's back, as an earlier version had written it."""
    api.client.blocking_portal.call(_store, api, table, document_id, document)


async def campaign_contacts(api: Api, campaign_id: str) -> list[Any]:
    response = await api.client.get(f"/campaigns/{campaign_id}/contacts", headers=api.supreme)
    assert response.status_code == 200, response.text
    contacts: list[Any] = response.json()
    return contacts


async def test_keywords_is_taken_as_keyword_and_answered_as_keyword_everywhere(api: Api) -> None:
    campaign_id = await campaign(api, "alias-contacts")

    saved = await save_contacts(api, campaign_id, ["c-1", with_keywords(ADA)])

    assert saved == ["c-1", ADA]
    assert await campaign_contacts(api, campaign_id) == saved
    assert (await api.campaign(campaign_id))["contacts"] == saved
    (found,) = (await search(api, q="london"))["contacts"]
    assert found == {"id": found["id"], **ADA}


async def test_campaign_bodies_take_the_alias_too(api: Api) -> None:
    created = await api.create(valid_campaign_body("alias-bodies", contacts=[with_keywords(BOB)]))
    updated = await api.update(created["id"], {"contacts": [with_keywords(CY), "c-2"]})

    assert created["contacts"] == [BOB]
    assert updated["contacts"] == [CY, "c-2"]
    assert await campaign_contacts(api, created["id"]) == [CY, "c-2"]


async def test_the_alias_for_what_is_stored_changes_nothing(api: Api) -> None:
    campaign_id = await campaign(api, "alias-unchanged", contacts=[ADA])
    version = (await api.campaign(campaign_id))["version"]

    await api.update(campaign_id, {"contacts": [with_keywords(ADA)]})

    assert (await api.campaign(campaign_id))["version"] == version


BAD_CONTACTS: list[tuple[list[Any], str]] = [
    ([{}], "contacts.0"),
    (["c-1", {"_id": "c-2"}], "contacts.1"),
    ([{"name": " \t", "keyword": ["ops"]}], "contacts.0"),
    ([{"email": "not an email"}], "contacts.0.email"),
    ([{"name": "Ada", "email": ""}], "contacts.0.email"),
    ([{"name": "Ada", "email": "ada@@example.test"}], "contacts.0.email"),
    ([{"name": "Ada", "email": "ada@"}], "contacts.0.email"),
    ([{"name": "Ada", "email": "@example.test"}], "contacts.0.email"),
    ([ADA, {"name": "Ada", "email": "ada lovelace@example.test"}], "contacts.1.email"),
    ([{**ADA, "keywords": ["Ops"]}], "contacts.0.keywords"),
]


async def post_contacts(api: Api, route: str, campaign_id: str, contacts: list[Any]) -> httpx.Response:
    """`contacts` through one of the three routes that take them."""
    if route == "contacts":
        return await api.client.post(f"/campaigns/{campaign_id}/contacts", json=contacts, headers=api.supreme)
    if route == "update":
        return await api.client.post(f"/campaigns/{campaign_id}", json={"contacts": contacts}, headers=api.supreme)
    body = valid_campaign_body("refused-new", contacts=contacts)
    return await api.client.post("/campaigns", json=body, headers=api.supreme)


@pytest.mark.parametrize("route", ["contacts", "update", "create"])
@pytest.mark.parametrize(("contacts", "field"), BAD_CONTACTS)
async def test_a_contact_naming_nobody_or_a_bad_email_is_400_naming_it_and_nothing_is_written(
    api: Api, route: str, contacts: list[Any], field: str
) -> None:
    campaign_id = await campaign(api, "bad-contacts", contacts=["c-0"])
    before = await api.campaign(campaign_id)
    events_before = len(api.pending())

    response = await post_contacts(api, route, campaign_id, contacts)

    assert_problem(response, 400, "INVALID_CAMPAIGN_SCHEMA", field=field)
    assert await api.campaign(campaign_id) == before
    assert await api.total() == 1
    assert (await search(api))["contacts"] == []
    assert len(api.pending()) == events_before


async def test_every_bad_contact_is_named_at_once(api: Api) -> None:
    campaign_id = await campaign(api, "all-bad-contacts")

    response = await post_contacts(api, "contacts", campaign_id, [{}, ADA, {"email": "x"}, {**BOB, "keywords": []}])

    problem = assert_problem(response, 400, "INVALID_CAMPAIGN_SCHEMA")
    assert [error["field"] for error in problem["errors"]] == ["contacts.0", "contacts.2.email", "contacts.3.keywords"]


async def test_contacts_stored_with_keywords_read_back_with_keyword(api: Api) -> None:
    """Documents written before `keyword` was the one name, in the campaign and in the directory."""
    campaign_id = await campaign(api, "old-shape", contacts=["c-1", ADA])
    await save_contacts(api, campaign_id, ["c-1", ADA])
    (filed,) = (await search(api))["contacts"]
    old_campaign = {**stored(api, "campaigns", campaign_id), "contacts": ["c-1", with_keywords(ADA)]}
    store(api, "campaigns", campaign_id, old_campaign)
    store(api, "contacts", filed["id"], with_keywords(stored(api, "contacts", filed["id"])))
    assert "keywords" in (stored(api, "contacts", filed["id"]))

    assert await campaign_contacts(api, campaign_id) == ["c-1", ADA]
    assert (await api.campaign(campaign_id))["contacts"] == ["c-1", ADA]
    assert (await search(api, q="london"))["contacts"] == [filed]


async def test_the_next_write_stores_contacts_in_the_new_shape(api: Api) -> None:
    campaign_id = await campaign(api, "rewritten-shape", contacts=[ADA])
    await save_contacts(api, campaign_id, [ADA])
    (filed,) = (await search(api))["contacts"]
    store(api, "campaigns", campaign_id, {**stored(api, "campaigns", campaign_id), "contacts": [with_keywords(ADA)]})
    store(api, "contacts", filed["id"], with_keywords(stored(api, "contacts", filed["id"])))

    await api.update(campaign_id, {"name": "Renamed"})
    await save_contacts(api, campaign_id, [ADA, {"name": "Ada King", "email": ADA["email"]}])

    assert (stored(api, "campaigns", campaign_id))["contacts"][0] == ADA
    directory = stored(api, "contacts", filed["id"])
    assert "keywords" not in directory
    assert directory["keyword"] == ADA["keyword"]  # not given the second time: kept
    assert (await search(api, q="king"))["contacts"] == [{**filed, "name": "Ada King"}]


async def test_a_stored_bad_contact_saved_again_is_refused_and_not_filed(api: Api) -> None:
    campaign_id = await campaign(api, "stored-bad-contact")
    bad = [{"name": "Ada", "email": "not an email"}]
    store(api, "campaigns", campaign_id, {**stored(api, "campaigns", campaign_id), "contacts": bad})

    response = await post_contacts(api, "contacts", campaign_id, bad)

    assert_problem(response, 400, "INVALID_CAMPAIGN_SCHEMA", field="contacts.0.email")
    assert (await search(api))["contacts"] == []
    assert contact_events(api) == []
