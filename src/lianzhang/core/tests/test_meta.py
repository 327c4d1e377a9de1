"""Meta-test: every registered object type has a battery and is audited."""

import importlib
import pkgutil

import lianzhang
from lianzhang.core.audit import is_audited
from lianzhang.core.registry import registry
from lianzhang.core.testing.battery import ObjectBattery


def _batteries():
    for module in pkgutil.iter_modules(lianzhang.__path__):
        try:
            importlib.import_module(f"lianzhang.{module.name}.tests.test_battery")
        except ModuleNotFoundError:
            continue
    found = {}
    stack = list(ObjectBattery.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        found[cls.object_type.key()] = cls
    return found


def test_it_finds_a_battery_for_every_registered_type():
    missing = sorted(set(registry) - set(_batteries()))
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
