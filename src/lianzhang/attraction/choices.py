"""Choices of the attraction app: lead stages and sources, activity and event kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from chainkit import pipeline

__all__ = ["LeadStage", "LIVE_STAGES", "SIDE_STAGES", "OPEN_STAGES", "LeadSource",
           "ActivityKind", "EventKind", "FlagStatus", "GapKind"]


class LeadStage(models.TextChoices):
    """线索 → 接洽 → 考察 → 洽谈 → 签约 → 落地, or 搁置 / 放弃 (with a reason). The codes
    are the engine's (`chainkit.pipeline.STAGES`)."""

    LEAD = "lead", _("Lead")  # 线索
    CONTACT = "contact", _("Contacted")  # 接洽
    VISIT = "visit", _("Site visit")  # 考察
    NEGOTIATION = "negotiation", _("Negotiation")  # 洽谈
    SIGNED = "signed", _("Signed")  # 签约
    LANDED = "landed", _("Landed")  # 落地
    ON_HOLD = "on_hold", _("On hold")  # 搁置
    DROPPED = "dropped", _("Dropped")  # 放弃


LIVE_STAGES: tuple[str, ...] = pipeline.LIVE_STAGES
SIDE_STAGES: tuple[str, ...] = pipeline.SIDE_STAGES
#: Stages whose leads still need service (deadlines apply; duplicates matter).
OPEN_STAGES: tuple[str, ...] = ("lead", "contact", "visit", "negotiation")


class LeadSource(models.TextChoices):
    """Where a lead came from."""

    RECOMMENDATION = "recommendation", _("Recommendation")  # 靶向推荐
    REFERRAL = "referral", _("Referral")  # 以商引商/介绍
    CHAMBER = "chamber", _("Chamber of commerce")  # 商会
    EXHIBITION = "exhibition", _("Exhibition")  # 展会
    ROADSHOW = "roadshow", _("Roadshow")  # 路演
    FIRM = "firm", _("The firm itself")  # 企业自荐


class ActivityKind(models.TextChoices):
    """A contact with the investor."""

    VISIT = "visit", _("Visit")  # 拜访/考察
    CALL = "call", _("Call")  # 电话
    MEETING = "meeting", _("Meeting")  # 会谈


class EventKind(models.TextChoices):
    """Investment promotion events."""

    ROADSHOW = "roadshow", _("Roadshow")  # 路演
    PROMOTION = "promotion", _("Promotion conference")  # 推介会
    EXHIBITION = "exhibition", _("Exhibition")  # 展会
    INVESTMENT = "investment", _("Investment conference")  # 招商会


class FlagStatus(models.TextChoices):
    """A duplicate-lead flag waiting for the secretariat, or its decision."""

    OPEN = "open", _("Open")
    KEPT = "kept", _("Both kept")
    MERGED = "merged", _("Resolved: one lead dropped")


class GapKind(models.TextChoices):
    """What kind of gap a lead targets (DESIGN §4 gap status)."""

    MISSING = "missing", _("Missing node")  # 缺链
    WEAK = "weak", _("Weak node")  # 短板
    OTHER = "other", _("Other")
