"""Meta-test: every registered object type has a battery and is audited."""

from lianzhang.core.audit import is_audited
from lianzhang.core.registry import registry
from lianzhang.core.testing.battery import find_batteries


def test_it_finds_a_battery_for_every_registered_type():
    missing = sorted(set(registry) - set(find_batteries()))
    assert not missing, f"registered types without a test battery: {missing}"


def test_it_audits_every_registered_type():
    assert all(is_audited(t.model) for t in registry.values())


def test_it_spells_plural_url_segments_in_english():
    from django.urls import reverse

    plurals = {t.model_name(): t.url_plural() for t in registry.values()}
    assert plurals["leadactivity"] == "leadactivities"
    assert plurals["region"] == "regions"
    assert reverse("attraction:leadactivity_list") == "/attraction/leadactivities/"
    assert reverse("api-attraction:attraction-leadactivity-list") == "/api/attraction/leadactivities/"
