"""Exports of the chain page: the six lists as one workbook, the node table with
gap status, and the tree as SVG and PNG (the PNG is the same SVG rasterised on the
server with cairosvg, so it needs a CJK font on the server: `make setup` installs
Debian's fonts-noto-cjk)."""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import escape

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _
from openpyxl import Workbook

from lianzhang.chains.models import Chain
from lianzhang.core.exporter import neutralise

from ..data import WAN, chain_summary, published_maps
from .chain import STATUS_COLORS, _lists

__all__ = ["lists_workbook", "node_table", "tree_svg", "tree_png"]

NO_DATA = "暂无数据"  # a node whose firms reported no output: not 0 (the sheet is Chinese)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return response


def _workbook_bytes(sheets: list[tuple[str, list[str], list[list]]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append(header)
        for row in rows:
            ws.append([neutralise("" if v is None else v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def lists_workbook(request: HttpRequest, pk: int) -> HttpResponse:
    """重点事项, 重点园区, 重点企业, 重点项目, 重点创新平台, 重点短板需求: one sheet each."""
    chain = get_object_or_404(Chain.objects.restrict(request.user, "view"), pk=pk)
    version = published_maps([chain]).get(chain.pk)
    if version is None:
        raise Http404(_("This chain has no published map yet, so no figures can be computed. "
                        "Publish a map version first."))
    lists = _lists(request, chain, version)
    needs = list(lists["needs"])
    sheets = [
        ("重点事项", ["事项", "责任单位", "完成时限", "状态"],
         [[m.title, m.owner_unit, m.due, m.get_status_display()] for m in lists["matters"]]),
        ("重点园区", ["园区", "所在镇街", "级别"],
         [[p.name, p.town.name, p.get_level_display()] for p in lists["parks"]]),
        ("重点企业", ["企业名称", "统一社会信用代码", "所在镇街", "行业代码"],
         [[f.name, f.uscc, f.town.name if f.town else "", f.industry_code]
          for f in lists["firms"]]),
        ("重点项目", ["项目名称", "所在镇街"],
         [[p.name if hasattr(p, "name") else str(p), getattr(getattr(p, "town", None), "name", "")]
          for p in lists["projects"]]),
        ("重点创新平台", ["平台名称", "级别", "类型", "依托企业"],
         [[p.name, p.get_level_display(), p.get_type_display(), p.host.name if p.host else ""]
          for p in lists["platforms"]]),
    ]
    for kind, label in (("technology", "技术"), ("talent", "人才"), ("finance", "融资"),
                        ("policy", "政策")):
        sheets.append((f"重点短板需求-{label}", ["需求", "节点", "责任单位", "状态"],
                       [[n.title, n.node.name if n.node else "", n.owner_unit,
                         n.get_status_display()] for n in needs if n.kind == kind]))
    return _attachment(_workbook_bytes(sheets), XLSX, f"{chain.name}-六清单.xlsx")


def node_table(request: HttpRequest, pk: int) -> HttpResponse:
    """Every leaf node with its gap status, reason, local firms, output and demand."""
    chain = get_object_or_404(Chain.objects.restrict(request.user, "view"), pk=pk)
    figures = chain_summary(chain)["figures"]
    rows = [[g["name"], "是" if g["is_core"] else "否", g["weight"], g["status"], g["reason"],
             g["local_firms"],
             round(g["local_output"] / WAN, 2) if g.get("output_known", True) else NO_DATA,
             round(g["demand"] / WAN, 2) if g["demand"] is not None else None,
             g["masters_needing"], g["risk"]] for g in figures["gaps"]["nodes"]]
    header = ["节点", "核心零部件", "权重", "状态", "原因", "本地企业数", "本地产出（万元）",
              "链主需求（万元）", "需求链主数", "断点风险"]
    return _attachment(_workbook_bytes([("节点状态", header, rows)]), XLSX,
                       f"{chain.name}-节点状态.xlsx")


# Characters XML 1.0 forbids (control characters other than tab and line ends): a name
# pasted from a spreadsheet may carry one, and the SVG would then not parse at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """User text for an SVG text element: markup escaped, characters XML forbids dropped."""
    return escape(_NOT_XML.sub("", text))


def _tree_svg(chain: Chain) -> bytes:
    """The map as a left-to-right SVG tree, leaves coloured by gap status."""
    version = published_maps([chain]).get(chain.pk)
    gaps = {}
    if version is not None:
        gaps = {g["node_id"]: g["status"] for g in chain_summary(chain)["figures"]["gaps"]["nodes"]}
    nodes = list(version.nodes.order_by("level", "position")) if version else []
    children: dict = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    rows: list[tuple[int, object]] = []

    def walk(parent_id, depth: int) -> None:
        for node in children.get(parent_id, []):
            rows.append((depth, node))
            walk(node.pk, depth + 1)

    walk(None, 1)
    height = 30 + 22 * (len(rows) + 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="900" height="{height}" '
             'font-family="Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, sans-serif" '
             'font-size="13">', f'<rect width="900" height="{height}" fill="#fff"/>',
             f'<text x="10" y="20" font-weight="bold">{_xml_text(chain.name)}</text>']
    for i, (depth, node) in enumerate(rows, start=1):
        y = 20 + 22 * i
        color = STATUS_COLORS.get(gaps.get(node.pk, ""), "#666")
        x = 10 + 28 * depth
        parts.append(f'<circle cx="{x - 8}" cy="{y - 4}" r="5" fill="{color}"/>')
        label = _xml_text(node.name) + (" ★" if node.is_core else "")
        status = _xml_text(gaps.get(node.pk, ""))
        parts.append(f'<text x="{x}" y="{y}">{label} <tspan fill="{color}">{status}</tspan></text>')
    parts.append("</svg>")
    return "".join(parts).encode("utf-8")


def tree_svg(request: HttpRequest, pk: int) -> HttpResponse:
    """The tree as an SVG file."""
    chain = get_object_or_404(Chain.objects.restrict(request.user, "view"), pk=pk)
    return _attachment(_tree_svg(chain), "image/svg+xml", f"{chain.name}-树状图.svg")


def tree_png(request: HttpRequest, pk: int) -> HttpResponse:
    """The tree as a PNG (twice the SVG's resolution, for slides and printed bulletins)."""
    chain = get_object_or_404(Chain.objects.restrict(request.user, "view"), pk=pk)
    import cairosvg  # imported here: only this export needs cairo

    png = cairosvg.svg2png(bytestring=_tree_svg(chain), scale=2)
    return _attachment(png, "image/png", f"{chain.name}-树状图.png")
