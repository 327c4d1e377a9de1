"""After a write the chain page never shows old figures as current: it either computes
new ones on the spot or shows the previous ones labelled stale while one background
refresh computes them; exports and snapshots always get current figures."""

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from lianzhang.dashboards import data
from lianzhang.dashboards.data import chain_summary
from lianzhang.mapping.models import NodeLink


@pytest.fixture
def refreshes(monkeypatch):
    """Background refreshes asked for, run by the test instead of a thread (the test's
    transaction is not visible to another connection)."""
    asked = []
    monkeypatch.setattr(data, "start_refresh", lambda *args: asked.append(args))
    return asked


def _page(world, chain):
    client = Client()
    client.force_login(world.user("admin"))
    return client.get(reverse("dashboards:chain", args=[chain.pk])).content.decode()


def _cover_the_compressor(chain_world):
    """A local firm hung on 压缩机 (weight 2 of 5): completeness 60% → 100%."""
    NodeLink.objects.create(enterprise=chain_world["firms"]["motor_b"],
                            node=chain_world["nodes"]["压缩机"])


def test_a_write_to_the_chains_links_shows_at_once_without_background(world, chain_world):
    assert chain_summary(world.chain_a)["figures"]["completeness"] == pytest.approx(0.6)
    _cover_the_compressor(chain_world)
    summary = chain_summary(world.chain_a, allow_stale=True)
    assert summary["figures"]["completeness"] == pytest.approx(1.0) and not summary["stale"]
    assert "data-stale" not in _page(world, world.chain_a)


@override_settings(LIANZHANG_FIGURES_IN_BACKGROUND=True)
def test_the_page_labels_old_figures_until_the_refresh_has_run(world, chain_world, refreshes):
    first = _page(world, world.chain_a)  # nothing cached yet: computed on the spot
    assert "data-stale" not in first and "60%" in first and not refreshes
    _cover_the_compressor(chain_world)
    page = _page(world, world.chain_a)
    assert "data-stale" in page and "60%" in page  # the old figures, saying so
    assert len(refreshes) == 1
    _page(world, world.chain_a)
    assert len(refreshes) == 1  # one refresh per data version, not one per view
    data.refresh_summary(*refreshes[0])
    page = _page(world, world.chain_a)
    assert "data-stale" not in page and "100%" in page


@override_settings(LIANZHANG_FIGURES_IN_BACKGROUND=True)
def test_exports_and_snapshots_never_take_stale_figures(world, chain_world, refreshes):
    _page(world, world.chain_a)
    _cover_the_compressor(chain_world)
    assert "data-stale" in _page(world, world.chain_a)
    summary = chain_summary(world.chain_a)  # what exports and snapshots call
    assert summary["figures"]["completeness"] == pytest.approx(1.0) and not summary["stale"]
    # ... and having computed them, the page shows them as current too.
    assert "data-stale" not in _page(world, world.chain_a)


@override_settings(LIANZHANG_FIGURES_IN_BACKGROUND=True)
def test_a_refresh_for_an_old_version_does_not_pass_for_current(world, chain_world, refreshes):
    _page(world, world.chain_a)
    _cover_the_compressor(chain_world)
    _page(world, world.chain_a)
    chain_id, towns, version = refreshes[0]
    NodeLink.objects.filter(node=chain_world["nodes"]["压缩机"]).delete()  # another write
    data.refresh_summary(chain_id, towns, version)  # finishes after it
    summary = chain_summary(world.chain_a)
    assert summary["figures"]["completeness"] == pytest.approx(0.6)


@pytest.fixture
def loads(monkeypatch):
    """The chains whose figures were computed from the database."""
    seen = []
    real = data.load_gap_data
    monkeypatch.setattr(data, "load_gap_data",
                        lambda chains, *a, **k: seen.extend(c.pk for c in chains) or real(chains, *a, **k))
    return seen


def _ballscrew(world):
    from lianzhang.chains.models import ChainNode

    return ChainNode.objects.get(map__chain=world.chain_b, map__status="published", name="滚珠丝杠")


def test_a_write_to_another_chains_links_keeps_this_chains_figures(world, chain_world, loads):
    chain_summary(world.chain_a), chain_summary(world.chain_b)
    NodeLink.objects.create(enterprise=chain_world["firms"]["motor_a"], node=_ballscrew(world))
    loads.clear()
    assert chain_summary(world.chain_a)["figures"]["completeness"] == pytest.approx(0.6)
    assert chain_summary(world.chain_b)["figures"]["local_firms"] == 1
    assert loads == [world.chain_b.pk]  # chain A's figures were still current


def test_a_link_moved_to_another_chain_recomputes_both(world, chain_world, loads):
    chain_summary(world.chain_a), chain_summary(world.chain_b)
    link = NodeLink.objects.get(enterprise=chain_world["firms"]["panel"])
    link.node = _ballscrew(world)
    link.save()
    loads.clear()
    gaps = {g["name"]: g["status"] for g in chain_summary(world.chain_a)["figures"]["gaps"]["nodes"]}
    assert gaps["显示面板"] == "缺链" and chain_summary(world.chain_b)["figures"]["local_firms"] == 1
    assert sorted(loads) == sorted([world.chain_a.pk, world.chain_b.pk])


def test_a_write_to_a_firms_figures_recomputes_the_chains(world, chain_world, loads):
    from lianzhang.enterprises.models import YearlyFigure

    status = lambda: {g["name"]: g["status"] for g in  # noqa: E731
                      chain_summary(world.chain_a)["figures"]["gaps"]["nodes"]}["显示面板"]
    assert status() == "短板"  # output 50 < the master's 400
    figure = YearlyFigure.objects.get(enterprise=chain_world["firms"]["panel"], year=2024)
    figure.output_value = 500
    figure.save()
    assert status() == "强链"


@override_settings(LIANZHANG_BUMP_ON_COMMIT=True)
def test_a_transaction_bumps_the_chains_it_touched_once_at_commit(
        world, chain_world, django_capture_on_commit_callbacks):
    from django.db import transaction

    from lianzhang.core.versioning import UNSCOPED, _version, scoped_version
    from lianzhang.dashboards.scopes import chain_scope

    before = {c.pk: scoped_version(chain_scope(c.pk)) for c in (world.chain_a, world.chain_b)}
    unscoped = _version(UNSCOPED)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            NodeLink.objects.create(enterprise=chain_world["firms"]["outside"],
                                    node=chain_world["nodes"]["压缩机"])
            NodeLink.objects.create(enterprise=chain_world["firms"]["panel"], node=_ballscrew(world))
            assert scoped_version(chain_scope(world.chain_a.pk)) == before[world.chain_a.pk]
    assert len(callbacks) == 1
    assert all(scoped_version(chain_scope(pk)) != v for pk, v in before.items())
    assert _version(UNSCOPED) == unscoped  # link writes leave other caches' versions alone


@override_settings(LIANZHANG_FIGURES_IN_BACKGROUND=True)
def test_a_failed_refresh_lets_the_next_view_try_again(world, chain_world, refreshes, monkeypatch,
                                                       caplog):
    _page(world, world.chain_a)
    _cover_the_compressor(chain_world)
    _page(world, world.chain_a)
    assert len(refreshes) == 1

    def broken(*args):
        raise RuntimeError("database went away")

    monkeypatch.setattr(data, "refresh_summary", broken)
    monkeypatch.setattr(data.connections, "close_all", lambda: None)  # the test's connection
    data._refresh_thread(*refreshes[0])  # what the thread runs
    assert "recomputing the figures" in caplog.text
    assert "data-stale" in _page(world, world.chain_a)
    assert len(refreshes) == 2 and refreshes[1] == refreshes[0]  # asked again, same version
