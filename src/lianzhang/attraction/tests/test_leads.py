"""Leads (issue 7, app side): the stage machine and its refusals, leads from
recommendations, duplicates across towns, service deadlines, events and scope."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from lianzhang.attraction.models import (
    DuplicateFlag,
    Event,
    EventLead,
    Lead,
    LeadActivity,
    LeadStageChange,
)
from lianzhang.attraction.services.deadlines import overdue
from lianzhang.attraction.services.events import credited_signings, signing_credits
from lianzhang.attraction.services.leads import LeadMoveError, move
from lianzhang.attraction.services.recommend import refresh_node
from lianzhang.core.testing.helpers import Snapshot, client_for
from lianzhang.enterprises.models import Enterprise

from .helpers import day, leaf, make_lead, outside_firm

#: Real dates of 接洽 and 考察 for tests that move a new lead straight to 洽谈.
PASSED = {"contact": day(2, 20), "visit": day(2, 25)}


def snapshot():
    return Snapshot(Lead, LeadStageChange, LeadActivity, DuplicateFlag, Enterprise)


def test_it_moves_a_lead_along_the_line_and_logs_every_change(world):
    lead = make_lead(world.town_a, world.chain_a, 1)
    user = world.user("town_a")
    move(lead, "contact", user, on=day(3, 1))
    # 考察 passed over: allowed only with its real date, recorded as its own change
    move(lead, "negotiation", user, on=day(3, 10), skipped={"visit": day(3, 6)})
    move(lead, "signed", user, on=day(4, 14), investment=Decimal("80000"))
    move(lead, "landed", user, on=day(6, 1))
    lead.refresh_from_db()
    assert (lead.stage, lead.first_contact_on, lead.signed_on) == ("landed", day(3, 1),
                                                                   day(4, 14))
    assert lead.total_investment == Decimal("80000")
    steps = list(lead.stage_changes.values_list("from_stage", "to_stage", "date"))
    assert steps == [("lead", "contact", day(3, 1)), ("contact", "visit", day(3, 6)),
                     ("visit", "negotiation", day(3, 10)),
                     ("negotiation", "signed", day(4, 14)), ("signed", "landed", day(6, 1))]
    from lianzhang.core.models import ObjectChange

    assert ObjectChange.objects.filter(content_type__model="leadstagechange",
                                       action="create").count() == 5


def test_it_refuses_moving_back_without_a_reason_and_writes_nothing(world):
    lead = make_lead(world.town_a, world.chain_a, 1)
    move(lead, "negotiation", on=day(3, 1), skipped=PASSED)
    snap = snapshot()
    with pytest.raises(LeadMoveError) as refused:
        move(lead, "contact", on=day(3, 2))
    assert "退回" in refused.value.messages[0] and "原因" in refused.value.messages[0]
    client = client_for(world, "town_a")
    response = client.post(reverse("attraction:lead_move", args=[lead.pk]),
                           {"stage": "visit"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "原因" in response.json()["error"]
    for side in ("on_hold", "dropped"):
        with pytest.raises(LeadMoveError, match="需要说明原因"):
            move(lead, side, on=day(3, 2))
    snap.assert_unchanged()
    lead.refresh_from_db()
    assert lead.stage == "negotiation"
    move(lead, "contact", reason="对方要求重新报价", on=day(3, 3))
    move(lead, "on_hold", reason="企业暂缓投资计划", on=day(3, 4))
    with pytest.raises(LeadMoveError, match="原因"):
        move(lead, "lead", on=day(3, 5))  # back before 接洽, where it was put on hold
    move(lead, "contact", on=day(3, 6))  # resuming where it was needs no reason
    assert Lead.objects.get(pk=lead.pk).stage == "contact"


def test_it_refuses_signing_without_an_investment_amount(world):
    lead = make_lead(world.town_a, world.chain_a, 1)
    move(lead, "negotiation", on=day(3, 1), skipped=PASSED)
    snap = snapshot()
    with pytest.raises(LeadMoveError) as refused:
        move(lead, "signed", on=day(3, 2))
    assert "投资额" in refused.value.messages[0]
    client = client_for(world, "town_a")
    response = client.post(reverse("attraction:lead_move", args=[lead.pk]),
                           {"stage": "signed"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and "投资额" in response.json()["error"]
    with pytest.raises(LeadMoveError, match="落地"):
        move(lead, "landed", on=day(3, 2))
    snap.assert_unchanged()
    ok = client.post(reverse("attraction:lead_move", args=[lead.pk]),
                     {"stage": "signed", "investment": "12000", "date": "2024-03-05"},
                     HTTP_ACCEPT="application/json")
    assert ok.status_code == 200 and ok.json()["stage"] == "signed"
    assert Lead.objects.get(pk=lead.pk).signed_on == day(3, 5)


def test_it_creates_a_lead_from_a_recommendation_carrying_its_reasons(world):
    node = leaf(world.chain_a)
    firm = outside_firm(1, name="杭州钱江压缩机股份有限公司")
    rec = refresh_node(node)[0]
    client = client_for(world, "town_a")
    url = reverse("attraction:lead_from_recommendation", args=[rec.pk])
    form = client.get(url)
    assert form.status_code == 200 and "杭州钱江压缩机股份有限公司" in form.content.decode()
    data = dict(form.context["form"].initial)
    data.update(summary="年产300万台冰箱压缩机项目", gap_kind="missing", town=world.town_a.pk)
    response = client.post(url, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 302, response.context["form"].errors
    lead = Lead.objects.get()
    assert (lead.enterprise, lead.node, lead.recommendation, lead.source, lead.town) == (
        firm, node, rec, "recommendation", world.town_a)
    assert lead.owner == world.user("town_a")
    page = client.get(lead.get_absolute_url()).content.decode()
    assert "data-lineage" in page and "压缩机" in page


def test_it_resolves_the_investor_by_name_never_a_silent_duplicate(world):
    outside_firm(1, name="宁波奥克斯压缩机有限公司")
    outside_firm(2, name="宁波奥克斯电器有限公司")
    client = client_for(world, "secretariat")
    base = {"chain": world.chain_a.pk, "node": leaf(world.chain_a).pk, "gap_kind": "missing",
            "summary": "项目", "source": "referral", "town": world.town_a.name}
    client.post(reverse("attraction:lead_add"), base | {"investor": "宁波奥克斯压缩机有限公司"})
    assert Lead.objects.get().enterprise.name == "宁波奥克斯压缩机有限公司"
    firms = Enterprise.objects.count()
    response = client.post(reverse("attraction:lead_add"), base | {
        "investor": "常州新世纪压缩机科技有限公司", "investor_region": "江苏省常州市",
        "town": world.town_b.name})
    assert response.status_code == 302
    new = Enterprise.objects.get(name="常州新世纪压缩机科技有限公司")
    assert new.town is None and new.region_name == "江苏省常州市"
    assert Enterprise.objects.count() == firms + 1


def test_it_flags_the_same_investor_and_node_in_two_towns_and_refuses_the_same_town(world):
    first = make_lead(world.town_a, world.chain_a, 1)
    second = make_lead(world.town_b, world.chain_a, 1)
    flag = DuplicateFlag.objects.get()
    assert {flag.lead, flag.other} == {first, second}
    secretariat = client_for(world, "secretariat")
    page = secretariat.get(reverse("attraction:duplicates")).content.decode()
    assert "data-flags" in page and first.enterprise.name in page
    assert client_for(world, "town_a").get(reverse("attraction:duplicates")).status_code == 403
    snap = snapshot()
    response = client_for(world, "town_a").post(reverse("attraction:lead_add"), {
        "investor": first.enterprise.name, "node": first.node.pk, "summary": "重复",
        "source": "firm", "town": world.town_a.name, "gap_kind": "missing"})
    assert response.status_code == 400
    assert "已有" in response.content.decode()
    snap.assert_unchanged()
    secretariat.post(reverse("attraction:duplicates"), {"flag": flag.pk, "decision": "keep"})
    assert DuplicateFlag.objects.get().status == "kept"


def test_it_lists_overdue_leads_and_reminds_their_owners(world, settings):
    owner = world.user("town_a")
    owner.email = "town_a@example.org"
    owner.save()
    fresh = make_lead(world.town_a, world.chain_a, 1, owner=owner)
    Lead.objects.filter(pk=fresh.pk)  # recorded today
    old = make_lead(world.town_a, world.chain_a, 2, owner=owner)
    today = datetime.date.today()
    assert {(o.lead.pk, o.kind) for o in overdue(Lead.objects.all(), today)} == set()
    later = today + datetime.timedelta(days=5)
    kinds = {(o.lead.pk, o.kind) for o in overdue(Lead.objects.all(), later)}
    assert kinds == {(fresh.pk, "respond"), (fresh.pk, "assess"), (old.pk, "respond"),
                     (old.pk, "assess")}
    move(old, "contact", on=today + datetime.timedelta(days=1))
    LeadActivity.objects.create(lead=old, kind="call", date=today + datetime.timedelta(days=2))
    assert {o.kind for o in overdue(Lead.objects.filter(pk=old.pk), later)} == set()
    settings.LIANZHANG_LEAD_FOLLOW_UP_DAYS = 2
    follow = overdue(Lead.objects.filter(pk=old.pk), later)
    assert [(o.kind, o.days) for o in follow] == [("follow_up", 1)]
    call_command("lead_reminders", "--date", later.isoformat())
    assert len(mail.outbox) == 1 and "town_a@example.org" in mail.outbox[0].to
    page = client_for(world, "town_a").get(reverse("attraction:overdue")).content.decode()
    assert "data-overdue" in page


def test_it_counts_a_signing_for_the_first_event_where_it_was_signed_once(world):
    lead = make_lead(world.town_a, world.chain_a, 1, total_investment=Decimal("5000"))
    move(lead, "signed", on=day(5, 1), skipped=PASSED | {"negotiation": day(4, 1)})
    expo = Event.objects.create(name="家电博览会", kind="exhibition", date=day(5, 1))
    fair = Event.objects.create(name="秋季招商会", kind="investment", date=day(9, 1))
    for event in (fair, expo):
        EventLead.objects.create(event=event, lead=lead, signed=True)
    assert signing_credits() == {expo.pk: [lead.pk]}
    assert credited_signings(expo) == [lead] and credited_signings(fair) == []
    unsigned = make_lead(world.town_a, world.chain_a, 2)
    client = client_for(world, "secretariat")
    response = client.post(reverse("attraction:event_edit", args=[fair.pk]), {
        "name": fair.name, "kind": "investment", "date": "2024-09-01",
        "signed_leads": [unsigned.pk]})
    assert response.status_code == 400 and "尚未签约" in response.content.decode()


def test_it_shows_town_users_only_their_towns_leads(world):
    mine = make_lead(world.town_a, world.chain_a, 1)
    theirs = make_lead(world.town_b, world.chain_b, 2)
    client = client_for(world, "town_a")
    for name in ("attraction:kanban", "attraction:funnel", "attraction:lead_list"):
        page = client.get(reverse(name)).content.decode()
        assert theirs.enterprise.name not in page, name
    board = client.get(reverse("attraction:kanban")).content.decode()
    assert mine.enterprise.name in board and "data-board" in board
    response = client.post(reverse("attraction:lead_move", args=[theirs.pk]),
                           {"stage": "contact"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 404
    assert Lead.objects.get(pk=theirs.pk).stage == "lead"
    assert client_for(world, "readonly").post(
        reverse("attraction:lead_move", args=[mine.pk]), {"stage": "contact"}).status_code == 403


class RefusingMailServer:
    """An e-mail backend whose server is unreachable (as on an intranet with no SMTP)."""

    def __init__(self, fail_silently=False, **kwargs):
        self.fail_silently = fail_silently

    def send_messages(self, messages):
        if not self.fail_silently:
            raise ConnectionRefusedError("no mail server")
        return 0


def test_it_reports_reminder_e_mails_the_server_refused_as_not_sent(world, settings):
    from lianzhang.attraction.services.deadlines import send_reminders

    owner = world.user("town_a")
    owner.email = "town_a@example.org"
    owner.save()
    make_lead(world.town_a, world.chain_a, 1, owner=owner)
    later = datetime.date.today() + datetime.timedelta(days=5)
    assert send_reminders(Lead.objects.all(), later) == {"overdue": 2, "emails": 1,
                                                         "emails_failed": 0}
    settings.EMAIL_BACKEND = f"{__name__}.RefusingMailServer"
    assert send_reminders(Lead.objects.all(), later) == {"overdue": 2, "emails": 0,
                                                         "emails_failed": 1}
