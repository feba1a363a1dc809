"""Locale views (spec §3): one locale kept, chosen by one rule, and a written-back view losing no locale.

The examples pin the rule's order; the properties hold for any campaign and any requested string.
"""

from __future__ import annotations

from typing import Any

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from campaigns.application.read_models import localized_view
from campaigns.domain.campaign import Campaign, Locale, LocaleContent, Preference
from campaigns.domain.locale_views import locale_view, merge_view_labels, view_locale

HELLO = LocaleContent(landing={"title": "Hello"})
BONJOUR = LocaleContent(landing={"title": "Bonjour"})


def campaign(
    locales: list[tuple[str, bool]], content: dict[str, LocaleContent], labels: dict[str, str] | None = None
) -> Campaign:
    return Campaign(
        id="0" * 24,
        locales=[Locale(id=locale, is_default=default) for locale, default in locales],
        content=content,
        preferences=[Preference(id="email", type="email", is_optional=False, label=labels)],
    )


BILINGUAL = campaign(
    [("fr-CA", False), ("en", True)], {"fr-CA": BONJOUR, "en": HELLO}, {"en": "Email", "fr-CA": "Courriel"}
)


# --------------------------------------------------------------------------- the rule, by example


def test_the_requested_locale_is_shown_when_the_content_has_it_in_any_case() -> None:
    for requested in ("fr-CA", "FR-ca", "fr-ca"):
        view = locale_view(BILINGUAL, requested)

        assert view.locale == "fr-CA"
        assert view.campaign.content == {"fr-CA": BONJOUR}
        assert view.campaign.preferences[0].label == {"fr-CA": "Courriel"}


def test_an_unknown_or_absent_locale_falls_back_to_the_default() -> None:
    for requested in ("de", "", None, "fr"):
        assert locale_view(BILINGUAL, requested).locale == "en"
    assert locale_view(BILINGUAL, "de").campaign.content == {"en": HELLO}


def test_a_declared_locale_without_content_is_not_chosen() -> None:
    declared_only = campaign([("en", True), ("de", False)], {"en": HELLO})

    assert view_locale(declared_only, "de") == "en"


def test_without_a_default_the_first_declared_locale_is_shown() -> None:
    no_default = campaign([("es-MX", False), ("en", False)], {"en": HELLO, "es-MX": LocaleContent()})

    assert view_locale(no_default, "de") == "es-MX"


def test_the_default_is_shown_even_without_text_for_it_as_an_empty_locale() -> None:
    default_without_text = campaign([("en", True), ("fr-CA", False)], {"fr-CA": BONJOUR}, {"fr-CA": "Courriel"})

    view = locale_view(default_without_text, None)

    assert (view.locale, view.campaign.content) == ("en", {"en": LocaleContent()})
    assert view.campaign.preferences[0].label == {}


def test_without_declared_locales_the_first_content_locale_is_shown() -> None:
    assert view_locale(campaign([], {"fr-CA": BONJOUR, "en": HELLO}), "de") == "fr-CA"


def test_a_campaign_with_no_locale_at_all_shows_none() -> None:
    view = locale_view(campaign([], {}, {"en": "Email"}), "en")

    assert (view.locale, view.campaign.content, view.campaign.preferences[0].label) == (None, {}, {})


def test_a_preference_without_labels_keeps_none() -> None:
    assert locale_view(campaign([("en", True)], {"en": HELLO}), "en").campaign.preferences[0].label is None


# --------------------------------------------------------------------------- writing a view back, by example


def test_a_french_view_written_back_keeps_the_english_labels() -> None:
    written = [{"id": "email", "type": "email", "is_optional": False, "label": {"fr-CA": "Adresse courriel"}}]

    merged = merge_view_labels(BILINGUAL.preferences, written)

    assert merged[0]["label"] == {"en": "Email", "fr-CA": "Adresse courriel"}


def test_a_written_locale_replaces_the_stored_one_of_another_case() -> None:
    stored = campaign([("fr-CA", True)], {}, {"fr-ca": "Courriel", "en": "Email"}).preferences
    written = [{"id": "email", "label": {"fr-CA": "Adresse"}}]

    assert merge_view_labels(stored, written)[0]["label"] == {"en": "Email", "fr-CA": "Adresse"}


def test_new_preferences_and_malformed_ones_are_written_as_given() -> None:
    written: list[Any] = [
        {"id": "phone", "label": {"en": "Phone"}},
        {"id": ["not", "a", "string"], "label": {"en": "x"}},
        {"id": "email", "label": None},
        "not an object",
    ]

    assert merge_view_labels(BILINGUAL.preferences, written) == written
    assert merge_view_labels(BILINGUAL.preferences, {"not": "a list"}) == {"not": "a list"}


# --------------------------------------------------------------------------- properties

POOL = ["en", "fr-CA", "fr-ca", "de", "es-MX", "pt-BR"]
"""Locale ids, two of them differing only by case, as stored data may have them."""

texts = st.text(max_size=8)
locale_contents = st.builds(LocaleContent, landing=st.none() | st.dictionaries(st.just("title"), texts, max_size=1))
label_maps = st.none() | st.dictionaries(st.sampled_from(POOL) | texts, texts, max_size=4)


@st.composite
def campaigns(draw: st.DrawFn) -> Campaign:
    declared = draw(st.lists(st.sampled_from(POOL), unique=True, max_size=4))
    defaults = draw(st.lists(st.booleans(), min_size=len(declared), max_size=len(declared)))
    content = draw(st.dictionaries(st.sampled_from(POOL) | texts, locale_contents, max_size=4))
    ids = draw(st.lists(st.from_regex(r"[a-z]{1,6}", fullmatch=True), unique=True, max_size=3))
    preferences = [Preference(id=pid, type="checkbox", is_optional=True, label=draw(label_maps)) for pid in ids]
    return Campaign(
        id="0" * 24,
        locales=[Locale(id=locale, is_default=default) for locale, default in zip(declared, defaults, strict=True)],
        content=content,
        preferences=preferences,
    )


def _case_variants(locale: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(locale), max_size=len(locale)).map(
        lambda upper: "".join(c.upper() if u else c.lower() for c, u in zip(locale, upper, strict=True))
    )


requests = st.none() | texts | st.sampled_from(POOL).flatmap(_case_variants)


@given(campaigns(), requests)
def test_a_view_holds_exactly_the_one_locale_the_rule_chooses(stored: Campaign, requested: str | None) -> None:
    view = locale_view(stored, requested)
    chosen = view.locale
    in_content = [key for key in stored.content if requested and key.casefold() == requested.casefold()]

    if in_content:
        assert chosen in in_content
    elif (default := next((locale.id for locale in stored.locales if locale.is_default), None)) is not None:
        assert chosen == default
    elif stored.locales:
        assert chosen == stored.locales[0].id
    else:
        assert chosen == next(iter(stored.content), None)
    if chosen is None:
        assert view.campaign.content == {}
    else:
        assert list(view.campaign.content) == [chosen]
        assert view.campaign.content[chosen] == stored.content.get(chosen, LocaleContent())


@given(campaigns(), requests)
def test_every_label_is_narrowed_to_the_chosen_locale_and_nothing_else_changes(
    stored: Campaign, requested: str | None
) -> None:
    view = locale_view(stored, requested)

    for before, after in zip(stored.preferences, view.campaign.preferences, strict=True):
        assert msgspec.structs.replace(after, label=before.label) == before
        if before.label is None:
            assert after.label is None
            continue
        assert after.label is not None
        shown = view.locale
        matching = [key for key in before.label if shown is not None and key.casefold() == shown.casefold()]
        if shown is None or not matching:
            assert after.label == {}
        else:  # an exact spelling first, else the stored one of another case
            assert after.label == {shown: before.label[shown if shown in before.label else matching[0]]}
    assert msgspec.structs.replace(view.campaign, content=stored.content, preferences=stored.preferences) == stored


@given(campaigns(), requests)
def test_current_locale_names_the_locale_shown(stored: Campaign, requested: str | None) -> None:
    view = locale_view(stored, requested)

    document = msgspec.to_builtins(localized_view(stored, requested))

    assert document.get("currentLocale") == view.locale
    assert list(document["content"]) == ([] if view.locale is None else [view.locale])


@given(campaigns(), requests)
def test_writing_back_an_unchanged_view_loses_no_locales_text(stored: Campaign, requested: str | None) -> None:
    view = locale_view(stored, requested)
    written = msgspec.to_builtins(view.campaign.preferences)

    merged = msgspec.convert(merge_view_labels(stored.preferences, written), list[Preference])

    for before, after in zip(stored.preferences, merged, strict=True):
        folded_before = {key.casefold() for key in before.label or {}}
        if before.label is None or len(folded_before) < len(before.label):
            continue  # labels with two spellings of one locale: one of them is kept
        assert after.label is not None
        assert {k.casefold(): v for k, v in after.label.items()} == {k.casefold(): v for k, v in before.label.items()}
