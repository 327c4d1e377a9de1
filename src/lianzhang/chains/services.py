"""Chain-map operations: load a parsed map (from a template, YAML or XLSX) into a
draft, draft from a published version, publish, convert back for export and compare.
Parsing and checking are `chainkit.chainmap`; this module stores the result."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chainkit import chainmap as ck

from .choices import MapStatus
from .models import Chain, ChainNode, MapVersion

__all__ = ["get_or_create_draft", "load_into_draft", "draft_from", "publish", "to_chainmap",
           "compare_versions", "TEMPLATE_DIR", "load_templates", "create_chain_from_template"]

from pathlib import Path

TEMPLATE_DIR = Path(__file__).resolve().parent / "map_templates"
CATEGORY_CODES = {"优势产业": "advantage", "新兴产业": "emerging", "未来产业": "future"}


def get_or_create_draft(chain: Chain) -> MapVersion:
    """The chain's one draft (created from the latest published version if any)."""
    draft = chain.maps.filter(status=MapStatus.DRAFT).first()
    if draft:
        return draft
    published = chain.published_map()
    return draft_from(published) if published else MapVersion.objects.create(chain=chain)


@transaction.atomic
def load_into_draft(chain: Chain, parsed: ck.ChainMap, note: str = "") -> MapVersion:
    """Replace the draft's nodes with `parsed` (nodes keep their stable keys when a node
    with the same path existed in the draft, so version comparison still works)."""
    draft = get_or_create_draft(chain)
    old_keys = {node.path(): node.key for node in draft.nodes.all()}
    for node in sorted(draft.nodes.all(), key=lambda n: -n.level):
        node.delete()
    created: dict[tuple[str, ...], ChainNode] = {}
    for position, item in enumerate(parsed.nodes):
        node = ChainNode(
            map=draft, parent=created.get(item.parent_path), name=item.name,
            segment=item.segment, keywords=list(item.keywords),
            negative_keywords=list(item.negative_keywords),
            industry_codes=list(item.industry_codes), weight=item.weight,
            is_core=item.is_core, description=item.description, position=position)
        if item.path_text in old_keys:
            node.key = old_keys[item.path_text]
        node.save()
        created[item.path] = node
    if note:
        draft.note = note
        draft.save()
    return draft


@transaction.atomic
def draft_from(version: MapVersion) -> MapVersion:
    """A new draft copying a published version's nodes (same stable keys)."""
    existing = version.chain.maps.filter(status=MapStatus.DRAFT).first()
    if existing:
        return existing
    draft = MapVersion.objects.create(chain=version.chain, based_on=version,
                                      note=_("Draft based on %(version)s") % {
                                          "version": version.version})
    copies: dict[int, ChainNode] = {}
    for node in version.nodes.order_by("level", "position"):
        copy = ChainNode(map=draft, parent=copies.get(node.parent_id), key=node.key,
                         name=node.name, segment=node.segment, keywords=node.keywords,
                         negative_keywords=node.negative_keywords,
                         industry_codes=node.industry_codes, weight=node.weight,
                         is_core=node.is_core, description=node.description,
                         position=node.position)
        copy.save()
        copies[node.pk] = copy
    return draft


@transaction.atomic
def publish(draft: MapVersion, user: Any) -> MapVersion:
    """Freeze the draft as the next version (1.0, 2.0 …) after a full check."""
    if draft.is_published:
        raise ValueError(_("This version is already published."))
    parsed = to_chainmap(draft)
    ck.validate_map(parsed)  # raises MapError with every problem
    if not parsed.nodes:
        raise ValueError(_("An empty map cannot be published."))
    draft.version = draft.next_version()
    draft.status = MapStatus.PUBLISHED
    draft.published_at = timezone.now()
    draft.published_by = user if getattr(user, "pk", None) else None
    draft.save()
    return draft


def to_chainmap(version: MapVersion) -> ck.ChainMap:
    """The stored version as a `chainkit.chainmap.ChainMap` (for export and diff)."""
    nodes = list(version.nodes.order_by("position"))
    by_id = {n.pk: n for n in nodes}

    def path(node: ChainNode) -> tuple[str, ...]:
        parts = [node.name]
        while node.parent_id:
            node = by_id[node.parent_id]
            parts.append(node.name)
        return tuple(reversed(parts))

    chain = version.chain
    items = [ck.MapNode(path=path(n), name=n.name, segment=n.segment,
                        keywords=list(n.keywords), negative_keywords=list(n.negative_keywords),
                        industry_codes=list(n.industry_codes), weight=n.weight,
                        is_core=n.is_core, description=n.description) for n in nodes]
    category = {v: k for k, v in CATEGORY_CODES.items()}.get(chain.category, "")
    return ck.ChainMap(name=chain.name, code=chain.code, category=category,
                       description=chain.description, nodes=items)


def compare_versions(old: MapVersion, new: MapVersion) -> dict[str, Any]:
    """Nodes added, removed, renamed, moved and changed between two versions."""
    return ck.diff(to_chainmap(old), to_chainmap(new))


def load_templates() -> list[ck.ChainMap]:
    """The chain-map templates shipped with the product."""
    return ck.load_template_dir(TEMPLATE_DIR)


@transaction.atomic
def create_chain_from_template(template: ck.ChainMap, user: Any = None,
                               publish_now: bool = True) -> Chain:
    """Start a chain from a template (a new city's first step); idempotent by code."""
    chain = Chain.objects.filter(code=template.code).first()
    if chain is None:
        chain = Chain(code=template.code, name=template.name)
    chain.name = template.name
    chain.category = CATEGORY_CODES.get(template.category, chain.category or "advantage")
    chain.description = chain.description or template.description[:500]
    chain.save()
    if chain.maps.exists():
        return chain
    draft = load_into_draft(chain, template, note=_("From the %(name)s template") % {
        "name": template.name})
    if publish_now:
        publish(draft, user)
    return chain
