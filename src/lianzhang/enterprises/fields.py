"""Form fields that refer to firms and towns the way offices write them."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from lianzhang.regions.models import Region

from .models import Enterprise
from .resolution import AMBIGUOUS, CONFIDENT, registry_index

__all__ = ["EnterpriseField", "TownField", "ProductListField", "StatusField", "parse_products"]


class EnterpriseField(forms.ModelChoiceField):
    """A firm typed by name or USCC (or chosen by id), resolved through the registry:
    a confident match is used, an ambiguous one is refused with the candidates, an
    unknown name is refused (register the firm first) — never a silent duplicate."""

    widget = forms.TextInput

    def __init__(self, queryset: Any = None, **kwargs: Any) -> None:
        super().__init__(queryset=queryset if queryset is not None else Enterprise.objects.all(),
                         **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Enterprise):
            return value.name
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            firm = self.queryset.filter(pk=value).first()
            return firm.name if firm else value
        return value

    def to_python(self, value: Any) -> Enterprise | None:
        if value in self.empty_values:
            return None
        if isinstance(value, Enterprise):
            return value
        text = str(value).strip()
        if text.isdigit():
            firm = self.queryset.filter(pk=int(text)).first()
            if firm:
                return firm
        match = registry_index().resolve(text, text if len(text) == 18 else None)
        if match.status == CONFIDENT:
            firm = self.queryset.filter(pk=match.enterprise_id).first()
            if firm is not None:
                return firm
        if match.status == AMBIGUOUS:
            visible = {f.pk: f.name for f in self.queryset.filter(
                pk__in=[c["id"] for c in match.candidates])}
            names = "、".join(visible[c["id"]] for c in match.candidates if c["id"] in visible)
            if names:
                raise ValidationError(_("“%(name)s” matches several firms: %(names)s. Use the "
                                        "full registered name or the USCC.") % {
                                            "name": text, "names": names})
        raise ValidationError(_("No registered firm named “%(name)s”; register it first.")
                              % {"name": text})


class TownField(forms.ModelChoiceField):
    """A town by 12-digit code or by name (as offices write it)."""

    def to_python(self, value: Any) -> Region | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        # Offices write names far more often than 12-digit codes: look up by the kind
        # of value given (one query per row instead of two in imports).
        if text.isdigit() and len(text) == 12:
            found = list(self.queryset.filter(code=text)[:1])
        else:
            found = list(self.queryset.filter(name=text)[:2])
        if len(found) == 1:
            return found[0]
        if text.isdigit():
            found = list(self.queryset.filter(pk=int(text))[:1])
            if found:
                return found[0]
        raise ValidationError(_("No town “%(value)s” in your scope.") % {"value": text})


def parse_products(text: str) -> list[tuple[str, Decimal | None]]:
    """Parse `名称:占比|名称:占比` (占比 0–1 or a percentage) into (name, share) pairs."""
    products: list[tuple[str, Decimal | None]] = []
    for part in [p.strip() for p in (text or "").replace("；", "|").split("|") if p.strip()]:
        name, _sep, share_text = part.replace("：", ":").partition(":")
        share: Decimal | None = None
        if share_text.strip():
            raw = share_text.strip().rstrip("%")
            try:
                share = Decimal(raw)
            except InvalidOperation:
                raise ValidationError(_("Revenue share “%(value)s” of %(product)s is not a "
                                        "number.") % {"value": share_text, "product": name})
            if share_text.strip().endswith("%"):
                share = share / 100
            if share < 0:
                raise ValidationError(_("Revenue share of %(product)s is negative.")
                                      % {"product": name})
            if share > 1:
                raise ValidationError(_("Revenue share of %(product)s is over 1.")
                                      % {"product": name})
        products.append((name.strip(), share))
    total = sum((s for _n, s in products if s is not None), Decimal(0))
    if total > Decimal("1.05"):
        raise ValidationError(_("Revenue shares sum to %(total)s, over 1.05.")
                              % {"total": f"{total:.2f}"})
    return products


class ProductListField(forms.CharField):
    """Products with revenue shares in one cell: `压缩机:0.6|电机:0.3`."""

    def clean(self, value: Any) -> list[tuple[str, Decimal | None]]:
        return parse_products(super().clean(value))


class StatusField(forms.ChoiceField):
    """A choice typed as its stored value or as its label in Chinese or English
    (registers list 存续/在业/吊销/注销/迁出, not our codes)."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value).strip()
        for key, label in self.choices:
            for lang in ("zh-hans", "en"):
                with translation.override(lang):
                    if text == str(label):
                        return str(key)
        return text
