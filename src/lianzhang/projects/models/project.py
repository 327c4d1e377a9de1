"""Key projects (重点项目), their annual plans and their stage dates."""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianzhang.core.models import ChangeLoggedModel, PrimaryModel, Scope

from ..choices import ProjectClass, ProjectKind, ProjectLevel, Stage
from .ledger import YI, LedgerColumns

__all__ = ["Project", "ProjectYearPlan", "ProjectStage", "money", "cents", "MoneySum", "YI"]

def money(label: str | object, **kwargs: object) -> models.DecimalField:
    """A 万元 amount (14 digits, 2 decimals)."""
    return models.DecimalField(label, max_digits=14, decimal_places=2, **kwargs)


CENT = Decimal("0.01")


def cents(value: Decimal | None) -> Decimal | None:
    """A 万元 amount rounded to its two stored decimals (None stays None)."""
    return None if value is None else Decimal(value).quantize(CENT)


class MoneySum(models.Sum):
    """Sum of 万元 amounts, exact to the stored two decimals. SQLite adds DECIMAL
    columns as floats and Django returns the sum with 15 significant digits
    (66634.8600000000, or 0.1 + 0.2 as 0.300000000000000), which pages showed as is
    and comparisons with a total could trip over; PostgreSQL sums exactly anyway."""

    @cached_property
    def convert_value(self):
        return lambda value, expression, connection: cents(value)


class Project(LedgerColumns, PrimaryModel):
    """A key project: where it is, who invests, how much, which chain it serves and
    how far it has got. Money in 万元. The stage is moved only by
    `lianzhang.projects.workflow` (validated and audited)."""

    code = models.CharField(_("project code"), max_length=20, unique=True, blank=True,
                            help_text=_("Generated when the project is created"))
    name = models.CharField(_("project name"), max_length=200, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ProjectKind.choices,
                            default=ProjectKind.NEW)
    prior_investment = money(_("investment counted before (10k yuan)"), default=0,
                             validators=[MinValueValidator(0)],
                             help_text=_("For an upgrade or capital increase: the investment "
                                         "already counted; only the increment counts"))
    chain = models.ForeignKey("chains.Chain", on_delete=models.PROTECT, related_name="projects",
                              verbose_name=_("chain"))
    secondary_chains = models.ManyToManyField(
        "chains.Chain", blank=True, related_name="tagged_projects",
        verbose_name=_("secondary chains"),
        help_text=_("Tags only: the project counts once, in its main chain"))
    nodes = models.ManyToManyField("chains.ChainNode", blank=True, related_name="projects",
                                   verbose_name=_("chain nodes"))
    town = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="projects",
                             verbose_name=_("town"))
    park = models.ForeignKey("enterprises.Park", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="projects", verbose_name=_("park"))
    investor = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="projects", verbose_name=_("investor"))
    project_class = models.CharField(_("project class"), max_length=20,
                                     choices=ProjectClass.choices, default=ProjectClass.NEW)
    level = models.CharField(_("project level"), max_length=20, choices=ProjectLevel.choices,
                             default=ProjectLevel.CITY)
    total_investment = money(_("total investment (10k yuan)"), validators=[MinValueValidator(0)])
    fixed_asset_investment = money(_("fixed-asset investment (10k yuan)"), null=True,
                                   blank=True, validators=[MinValueValidator(0)])
    content = models.TextField(_("construction content and scale"), blank=True)
    expected_output = money(_("expected annual output (10k yuan)"), null=True, blank=True,
                            validators=[MinValueValidator(0)])
    expected_tax = money(_("expected annual tax (10k yuan)"), null=True, blank=True,
                         validators=[MinValueValidator(0)])
    expected_jobs = models.PositiveIntegerField(_("expected jobs"), null=True, blank=True)
    responsible_unit = models.CharField(_("responsible unit"), max_length=200, blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=100, blank=True)
    # Where the project came from, as text: the attraction app links its leads from
    # their side (Lead.project); this keeps origins that are not leads in the system.
    source_ref = models.CharField(_("source lead"), max_length=100, blank=True,
                                  help_text=_("Reference of the attraction lead"))
    first_contact = models.DateField(_("first contact"), null=True, blank=True)
    problems = models.TextField(_("problems"), blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices,
                             default=Stage.PLANNING, editable=False, db_index=True)

    scope = Scope(town="town", chain="chain")

    class Meta:
        ordering = ["code"]
        verbose_name = _("key project")
        verbose_name_plural = _("key projects")

    def __str__(self) -> str:
        return self.name

    @property
    def counted_investment(self) -> Decimal:
        """What the project adds to totals: the increment for an upgrade."""
        return Decimal(self.total_investment or 0) - Decimal(self.prior_investment or 0)

    def clean(self) -> None:
        """Fixed-asset and prior investment cannot exceed the total; a new investment
        has no prior investment; the town must be a town and the park inside it."""
        super().clean()
        errors: dict[str, object] = {}
        total = self.total_investment
        if total is not None and self.fixed_asset_investment is not None and \
                self.fixed_asset_investment > total:
            errors["fixed_asset_investment"] = _("Fixed-asset investment exceeds the total "
                                                 "investment.")
        if self.kind == ProjectKind.NEW and self.prior_investment:
            errors["prior_investment"] = _("Only an upgrade or capital increase has investment "
                                           "counted before.")
        elif total is not None and self.prior_investment and self.prior_investment > total:
            errors["prior_investment"] = _("Investment counted before exceeds the total "
                                           "investment.")
        if self.town_id and self.town.level != "town":
            errors["town"] = _("Choose a town or subdistrict.")
        if self.park_id and self.town_id and self.park.town_id != self.town_id:
            errors["park"] = _("The park is not in the project's town.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args: object, **kwargs: object) -> None:
        """Generate the code (XM<year>-<serial>) on first save."""
        if not self.code:
            self.code = next_code()
        super().save(*args, **kwargs)

    def plan_for(self, year: int) -> Decimal | None:
        """The annual planned investment of `year` (万元)."""
        return next((p.planned_investment for p in self.year_plans.all() if p.year == year), None)

    def cumulative(self) -> Decimal:
        """Cumulative completed investment: the sum of approved monthly figures (never
        typed; an annotation `cum` is used when the queryset provides it)."""
        cached = getattr(self, "cum", None)
        if cached is not None:
            return cents(cached)  # a subquery's sum: see MoneySum
        return self.reports.aggregate(s=MoneySum("approved_completed"))["s"] or Decimal(0)


def next_code(year: int | None = None) -> str:
    """The next free project code of the year: XM2026-00001, XM2026-00002 …"""
    year = year or timezone.localdate().year
    prefix = f"XM{year}-"
    last = (Project._base_manager.filter(code__startswith=prefix).order_by("-code")
            .values_list("code", flat=True).first())
    serial = int(last.rsplit("-", 1)[1]) + 1 if last and last.rsplit("-", 1)[1].isdigit() else 1
    return f"{prefix}{serial:05d}"


class ProjectYearPlan(ChangeLoggedModel):
    """The planned investment of one project in one year (年度计划投资, 万元)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="year_plans",
                                verbose_name=_("key project"))
    year = models.PositiveSmallIntegerField(_("year"))
    planned_investment = money(_("annual planned investment (10k yuan)"),
                               validators=[MinValueValidator(0)])

    scope = Scope(town="project__town", chain="project__chain")

    class Meta:
        ordering = ["project", "year"]
        constraints = [models.UniqueConstraint(fields=["project", "year"],
                                               name="unique_project_year_plan")]
        verbose_name = _("annual investment plan")
        verbose_name_plural = _("annual investment plans")

    def __str__(self) -> str:
        return f"{self.project} · {self.year}"

    def clean(self) -> None:
        """A year's plan cannot exceed the project's total investment."""
        super().clean()
        if self.project_id and self.planned_investment is not None and \
                self.planned_investment > self.project.total_investment:
            raise ValidationError({"planned_investment": _(
                "The annual plan exceeds the project's total investment.")})


class ProjectStage(ChangeLoggedModel):
    """One stage of a project: its planned date and, once reached, its actual date.
    A stage passed over carries `skipped` and the reason; 终止 carries its reason.
    Actual dates are written only by `lianzhang.projects.workflow`."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages",
                                verbose_name=_("key project"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    planned_date = models.DateField(_("planned date"), null=True, blank=True)
    actual_date = models.DateField(_("actual date"), null=True, blank=True, editable=False)
    skipped = models.BooleanField(_("skipped"), default=False, editable=False)
    reason = models.CharField(_("reason"), max_length=300, blank=True, editable=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    scope = Scope(town="project__town", chain="project__chain")

    class Meta:
        ordering = ["project", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "stage"],
                                               name="unique_project_stage")]
        verbose_name = _("project stage")
        verbose_name_plural = _("project stages")

    def __str__(self) -> str:
        return f"{self.project} · {self.get_stage_display()}"

    def clean(self) -> None:
        """Planned dates follow the stage order (谋划 has none)."""
        super().clean()
        from ..workflow import check_planned_order

        if self.project_id and self.planned_date:
            planned = {s.stage: s.planned_date for s in self.project.stages.exclude(pk=self.pk)}
            planned[self.stage] = self.planned_date
            message = check_planned_order(planned)
            if message:
                raise ValidationError({"planned_date": message})
