"""Enterprise registry pages: declared object types plus merge and review actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lianzhang.core.forms import ScopedModelForm
from lianzhang.core.locking import StaleObjectError, check_revision, keep_input_after_conflict
from lianzhang.core.navigation import register_link
from lianzhang.core.params import parse_id
from lianzhang.core.permissions import user_can
from lianzhang.core.registry import ObjectType, register

from . import filtersets as fs
from . import forms
from . import tables as tb
from .api import serializers as sz
from .models import (
    Contact,
    Enterprise,
    EnterpriseName,
    InnovationPlatform,
    NameReview,
    Park,
    Product,
    SupplyTie,
    YearlyFigure,
)
from .services import EnterpriseImportResolver, decide_review, merge_enterprises

__all__ = ["EnterpriseType", "merge_view", "review_decide_view"]


@register
class EnterpriseType(ObjectType):
    """Firms, local and outside."""

    model = Enterprise
    filterset = fs.EnterpriseFilterSet
    table = tb.EnterpriseTable
    form = forms.EnterpriseForm
    serializer = sz.EnterpriseSerializer
    natural_key = "name"
    detail_template = "enterprises/enterprise_detail.html"
    import_resolver = EnterpriseImportResolver


@register
class EnterpriseNameType(ObjectType):
    """Short, former and alias names."""

    model = EnterpriseName
    filterset = fs.EnterpriseNameFilterSet
    table = tb.EnterpriseNameTable
    form = forms.EnterpriseNameForm
    serializer = sz.EnterpriseNameSerializer


@register
class ProductType(ObjectType):
    """Products with revenue shares."""

    model = Product
    filterset = fs.ProductFilterSet
    table = tb.ProductTable
    form = forms.ProductForm
    serializer = sz.ProductSerializer


@register
class ContactType(ObjectType):
    """Contacts at firms (restricted roles)."""

    model = Contact
    filterset = fs.ContactFilterSet
    table = tb.ContactTable
    form = forms.ContactForm
    serializer = sz.ContactSerializer


@register
class YearlyFigureType(ObjectType):
    """Firm-year figures."""

    model = YearlyFigure
    filterset = fs.YearlyFigureFilterSet
    table = tb.YearlyFigureTable
    form = forms.YearlyFigureForm
    serializer = sz.YearlyFigureSerializer


@register
class SupplyTieType(ObjectType):
    """Supplier → customer ties."""

    model = SupplyTie
    filterset = fs.SupplyTieFilterSet
    table = tb.SupplyTieTable
    form = forms.SupplyTieForm
    serializer = sz.SupplyTieSerializer
    import_table_check = staticmethod(forms.supply_tie_units_check)


@register
class ParkType(ObjectType):
    """Industrial parks."""

    model = Park
    filterset = fs.ParkFilterSet
    table = tb.ParkTable
    form = forms.ParkForm
    serializer = sz.ParkSerializer
    natural_key = "name"


@register
class InnovationPlatformType(ObjectType):
    """Innovation platforms."""

    model = InnovationPlatform
    filterset = fs.InnovationPlatformFilterSet
    table = tb.InnovationPlatformTable
    form = forms.InnovationPlatformForm
    serializer = sz.InnovationPlatformSerializer


class NameReviewForm(ScopedModelForm):
    """Review items are created by imports; a person only annotates them here."""

    class Meta:
        model = NameReview
        fields = ["name", "uscc", "source", "town"]


@register
class NameReviewType(ObjectType):
    """Ambiguous firm names waiting for a decision."""

    model = NameReview
    filterset = fs.NameReviewFilterSet
    table = tb.NameReviewTable
    form = NameReviewForm
    serializer = sz.NameReviewSerializer
    detail_template = "enterprises/namereview_detail.html"


def merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge a duplicate record into this firm (both must be changeable by the user)."""
    changeable = Enterprise.objects.restrict(request.user, "change")
    keep = get_object_or_404(changeable, pk=pk)
    if not user_can(request.user, Enterprise, "delete"):
        raise PermissionDenied
    form = forms.MergeForm(request.POST or None, initial={"revision": keep.revision})
    form.fields["other"].queryset = Enterprise.objects.restrict(request.user, "delete").exclude(
        pk=keep.pk)
    status = 200
    if request.method == "POST" and form.is_valid():
        other = form.cleaned_data["other"]
        try:
            with transaction.atomic():
                check_revision(keep, form.cleaned_data["revision"])
                merge_enterprises(keep, other)
        except StaleObjectError as exc:
            keep_input_after_conflict(form, exc)
            status = 409
        else:
            messages.success(request, _("Merged %(other)s into %(keep)s.") % {
                "other": other.name, "keep": keep.name})
            return redirect(keep.get_absolute_url())
    elif request.method == "POST":
        status = 400
    return render(request, "enterprises/merge.html", {"object": keep, "form": form},
                  status=status)


@require_POST
def review_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Link a queued name to a candidate, create a new firm from it, or dismiss it."""
    review = get_object_or_404(NameReview.objects.restrict(request.user, "change"), pk=pk)
    action = request.POST.get("action", "")
    firm = None
    if action == "link":
        firm = get_object_or_404(Enterprise.objects.restrict(request.user, "change"),
                                 pk=parse_id(request.POST.get("enterprise")))
    if action == "create" and not user_can(request.user, Enterprise, "add"):
        raise PermissionDenied
    try:
        decide_review(review, request.user, action, firm)
    except ValueError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Decided: %(status)s.") % {
            "status": review.get_status_display()})
    return redirect(review.get_absolute_url())

for _order, _key in enumerate(["enterprises.enterprise", "enterprises.namereview",
                               "enterprises.supplytie", "enterprises.yearlyfigure",
                               "enterprises.product", "enterprises.enterprisename",
                               "enterprises.contact", "enterprises.park",
                               "enterprises.innovationplatform"]):
    register_link("enterprises", _order, object_type=_key)
