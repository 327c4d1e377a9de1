"""Choices of the projects app: stages, classes, levels, kinds and report statuses."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from chainkit import projects as engine

__all__ = ["Stage", "LIVE_STAGES", "ProjectClass", "ProjectLevel", "ProjectKind",
           "ReportStatus", "AmendmentStatus"]


class Stage(models.TextChoices):
    """The stage machine 谋划 → 签约 → 开工 → 竣工 → 投产 → 纳统, or 终止."""

    PLANNING = engine.PLANNING, _("Planning")
    SIGNED = engine.SIGNED, _("Signed")
    STARTED = engine.STARTED, _("Construction started")
    COMPLETED = engine.COMPLETED, _("Construction completed")
    PRODUCING = engine.PRODUCING, _("In production")
    IN_STATS = engine.IN_STATS, _("In statistics")
    TERMINATED = engine.TERMINATED, _("Terminated")


#: The live stages in order (the engine's order; 终止 sits outside it).
LIVE_STAGES: tuple[str, ...] = engine.STAGES


class ProjectClass(models.TextChoices):
    """Project class (项目类别)."""

    NEW = "new", _("New construction")  # 新建
    CONTINUING = "continuing", _("Continuing construction")  # 续建
    PREPARATORY = "preparatory", _("Preparatory")  # 前期
    BUILT = "built", _("Built")  # 建成


class ProjectLevel(models.TextChoices):
    """Which government lists the project as a key project."""

    PROVINCE = "province", _("Provincial key project")
    CITY = "city", _("Municipal key project")
    COUNTY = "county", _("County key project")


class ProjectKind(models.TextChoices):
    """New investment, or an upgrade/capital increase of an existing project (which
    counts only the increment)."""

    NEW = "new", _("New investment")
    UPGRADE = "upgrade", _("Upgrade or capital increase")


class ReportStatus(models.TextChoices):
    """Workflow of a monthly progress report."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")


class AmendmentStatus(models.TextChoices):
    """Workflow of a correction to an approved month."""

    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")
