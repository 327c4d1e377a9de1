"""The standard batteries for the attraction app."""

from lianzhang.attraction.models import Event, LeadActivity, Recommendation
from lianzhang.attraction.views import EventType, LeadActivityType, LeadType, RecommendationType
from lianzhang.core.testing.battery import ObjectBattery

from .helpers import leaf, make_lead, outside_firm


class TestLeadBattery(ObjectBattery):
    """Leads are scoped by town and chain; the investor is typed by name."""

    object_type = LeadType

    def make(self, world, town, chain, n):
        return make_lead(town, chain, n)

    def form_data(self, world, town, chain, n):
        return {"investor": outside_firm(n).name, "chain": chain.pk, "node": leaf(chain).pk,
                "gap_kind": "missing", "summary": f"新建压缩机项目{n}", "source": "referral",
                "town": town.name, "total_investment": "5000"}

    def api_data(self, world, town, chain, n):
        return {"enterprise": outside_firm(n).pk, "chain": chain.pk, "node": leaf(chain).pk,
                "summary": f"接口项目{n}", "town": town.pk, "source": "chamber"}

    def search_text(self, obj):
        return obj.enterprise.name


class TestLeadActivityBattery(ObjectBattery):
    """Activities follow their lead's scope."""

    object_type = LeadActivityType

    def make(self, world, town, chain, n):
        return LeadActivity.objects.create(lead=make_lead(town, chain, n), kind="call",
                                           date=f"2024-03-{n:02d}", notes=f"电话沟通记录{n}")

    def form_data(self, world, town, chain, n):
        return {"lead": make_lead(town, chain, 100 + n).pk, "kind": "visit",
                "date": "2024-05-01", "notes": f"上门拜访记录{n}"}

    def api_data(self, world, town, chain, n):
        return {"lead": make_lead(town, chain, 200 + n).pk, "kind": "meeting",
                "date": "2024-05-02", "notes": f"会谈记录{n}"}

    def edit_change(self):
        return "notes", "已修改的记录"

    def search_text(self, obj):
        return obj.notes


class TestEventBattery(ObjectBattery):
    """Events are scoped by town and chains."""

    object_type = EventType

    def make(self, world, town, chain, n):
        event = Event.objects.create(name=f"{chain.name}招商推介会第{n}场", kind="promotion",
                                     date=f"2024-04-{n:02d}", town=town)
        event.chains.set([chain])
        return event

    def form_data(self, world, town, chain, n):
        return {"name": f"{town.name}产业路演第{n}场", "kind": "roadshow", "date": "2024-06-01",
                "place": "胶州", "town": town.name, "chains": chain.code}

    def api_data(self, world, town, chain, n):
        return {"name": f"接口展会第{n}场", "kind": "exhibition", "date": "2024-06-02",
                "town": town.pk, "chains": [chain.pk]}

    def search_text(self, obj):
        return obj.name


class TestRecommendationBattery(ObjectBattery):
    """Recommendations are scoped by the node's chain."""

    object_type = RecommendationType

    def make(self, world, town, chain, n):
        return Recommendation.objects.create(node=leaf(chain), enterprise=outside_firm(n),
                                             rank=n, score=0.5)

    def form_data(self, world, town, chain, n):
        return {"node": leaf(chain).pk, "enterprise": outside_firm(n).name, "rank": n,
                "note": f"商会推荐{n}"}

    def api_data(self, world, town, chain, n):
        return {"node": leaf(chain).pk, "enterprise": outside_firm(n).pk, "rank": n}

    def edit_change(self):
        return "note", "已修改的说明"

    def search_text(self, obj):
        return obj.enterprise.name
