"""Registry operations that touch several records: import resolution, review
decisions and merging duplicate firm records. Every write is an audited save."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from chainkit.uscc import normalize_uscc
from lianzhang.core.exporter import cell_value
from lianzhang.core.importer import RowDecision

from .choices import NameKind, ReviewStatus
from .models import Enterprise, EnterpriseName, NameReview
from .resolution import AMBIGUOUS, CONFIDENT, RegistryIndex

__all__ = ["EnterpriseImportResolver", "merge_enterprises", "decide_review"]

MERGE_FILL_FIELDS = ["uscc", "short_name", "established", "registered_capital", "town",
                     "region_name", "address", "park", "industry_code", "business_scope",
                     "stock_code", "description"]


class EnterpriseImportResolver:
    """Decides per import row: update the firm it confidently matches (keeping the
    registered name, remembering the variant as an alias), queue an ambiguous name for
    review, or create a new firm."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self.index = RegistryIndex()
        self.aliases: dict[int, str] = {}

    def decide(self, row_no: int, data: dict[str, str]) -> RowDecision:
        name = (data.get("name") or "").strip()
        if not name:
            return RowDecision()
        uscc = normalize_uscc(data.get("uscc"))
        match = self.index.resolve(name, uscc or None)
        if match.status == CONFIDENT:
            firm = Enterprise.objects.filter(pk=match.enterprise_id).first()
            if firm is None or (uscc and firm.uscc and uscc != firm.uscc):
                return RowDecision()  # a different firm with a similar name
            self._complete(firm, data)
            if name != firm.name:
                self.aliases[firm.pk] = name
            return RowDecision(instance=firm)
        if match.status == AMBIGUOUS and uscc and not Enterprise.objects.filter(
                pk__in=[c["id"] for c in match.candidates], uscc__isnull=True).exists():
            return RowDecision()  # every look-alike has another USCC: a different firm
        if match.status == AMBIGUOUS:
            NameReview.objects.create(
                name=name, uscc=uscc, source=_("import row %(row)d") % {"row": row_no},
                row_data=data, candidates=match.candidates,
                town=self._town(data))
            return RowDecision(queued=True)
        return RowDecision()

    def saved(self, firm: Enterprise) -> None:
        self.index.add(firm)
        alias = self.aliases.pop(firm.pk, None)
        if alias:
            EnterpriseName.objects.get_or_create(enterprise=firm, name=alias,
                                                 defaults={"kind": NameKind.ALIAS})

    @staticmethod
    def _complete(firm: Enterprise, data: dict[str, str]) -> None:
        """Keep the registered name; fill columns the row leaves blank from the record,
        so an update never wipes data the file did not mention."""
        from .forms import EnterpriseForm

        # base_fields: the declared fields without building a form (and its scoped
        # querysets) for every matched row.
        for field_name, field in EnterpriseForm.base_fields.items():
            if field_name in ("products", "former_names"):
                continue
            if field_name == "name" or not str(data.get(field_name, "")).strip():
                value = cell_value(firm, field_name, field)
                data[field_name] = "" if value is None else value
        if not str(data.get("products", "")).strip():
            data.pop("products", None)

    @staticmethod
    def _town(data: dict[str, str]):
        from lianzhang.regions.models import Region

        town = str(data.get("town") or "").strip()
        if not town:
            return None
        towns = Region.objects.filter(level="town")
        return towns.filter(code=town).first() or towns.filter(name=town).first()


@transaction.atomic
def merge_enterprises(keep: Enterprise, drop: Enterprise) -> Enterprise:
    """Move everything that refers to `drop` onto `keep` (links, figures, ties, names,
    products …), fill `keep`'s empty fields from `drop`, remember `drop`'s names, and
    delete `drop`. Where `keep` already has the same unique item (a year's figures, a
    product), `keep`'s is kept. Every step is an audited save or delete."""
    if keep.pk == drop.pk:
        raise ValueError(_("A record cannot be merged into itself."))
    for relation in Enterprise._meta.related_objects:
        if not relation.one_to_many:
            continue
        field_name = relation.field.name
        for obj in list(relation.related_model._base_manager.filter(**{field_name: drop})):
            setattr(obj, field_name, keep)
            try:
                with transaction.atomic():
                    obj.save()
            except IntegrityError:
                obj.refresh_from_db()
                obj.delete()
    for field_name in MERGE_FILL_FIELDS:
        if not getattr(keep, field_name) and getattr(drop, field_name):
            setattr(keep, field_name, getattr(drop, field_name))
    for flag in ("is_above_scale", "is_specialised", "is_little_giant", "is_high_tech",
                 "is_gazelle", "is_unicorn", "is_listed"):
        setattr(keep, flag, getattr(keep, flag) or getattr(drop, flag))
    drop_name, drop_short = drop.name, drop.short_name
    drop.delete()  # first, so a USCC moving over to `keep` stays unique
    keep.save()
    for name, kind in ((drop_name, NameKind.FORMER), (drop_short, NameKind.SHORT)):
        if name and name != keep.name:
            EnterpriseName.objects.get_or_create(enterprise=keep, name=name,
                                                 defaults={"kind": kind})
    return keep


@transaction.atomic
def decide_review(review: NameReview, user: Any, action: str,
                  enterprise: Enterprise | None = None) -> NameReview:
    """Resolve a queued name: link it to a firm (its name becomes an alias), create a
    new firm from the queued row, or dismiss it."""
    if review.status != ReviewStatus.PENDING:
        raise ValueError(_("This item has already been decided."))
    if action == "link":
        if enterprise is None:
            raise ValueError(_("Choose the firm to link to."))
        if review.name != enterprise.name:
            EnterpriseName.objects.get_or_create(enterprise=enterprise, name=review.name,
                                                 defaults={"kind": NameKind.ALIAS})
        review.status, review.resolved_to = ReviewStatus.LINKED, enterprise
    elif action == "create":
        from .forms import EnterpriseForm

        form = EnterpriseForm(data=review.row_data, user=user)
        if not form.is_valid():
            raise ValueError("; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
        review.status, review.resolved_to = ReviewStatus.CREATED, form.save()
    elif action == "dismiss":
        review.status = ReviewStatus.DISMISSED
    else:
        raise ValueError(action)
    review.decided_by = user
    review.save()
    return review
