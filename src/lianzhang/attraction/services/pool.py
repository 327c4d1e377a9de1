"""Loading a reference pool of outside firms (`lianzhang import-pool PATH`): a CSV,
XLSX (or, when pyarrow is installed, Parquet) file → registry firms with town=None,
their products with revenue shares, a revenue figure and tags.

Each row passes the registry's own form (`EnterpriseForm`: USCC checksum, industry
code, product shares …). Refused, with nothing written: unknown or missing columns,
a USCC twice in the file, any row the registry refuses. A row whose USCC (or, lacking
one on record, whose exact name) is already in the registry updates that outside firm;
a local firm is left alone and counted as skipped."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from chainkit.uscc import normalize_uscc
from lianzhang.core.audit import audited_bulk_create
from lianzhang.core.exporter import cell_value
from lianzhang.core.importer import row_error
from lianzhang.core.models import Tag
from lianzhang.core.tabular import Table, TableError, read_table
from lianzhang.enterprises.forms import FIRM_FIELDS, EnterpriseForm
from lianzhang.enterprises.models import Enterprise, Product, YearlyFigure

__all__ = ["PoolImportError", "PoolResult", "COLUMNS", "import_pool", "read_pool_file"]

# Canonical column → accepted header spellings (English and Chinese).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("name", "企业名称", "名称"),
    "uscc": ("uscc", "统一社会信用代码", "信用代码"),
    "region": ("region", "地区", "所在地区", "region_name"),
    "industry_code": ("industry_code", "行业代码"),
    "products": ("products", "主营产品", "产品"),
    "revenue": ("revenue", "营业收入", "营业收入（万元）", "营业收入(万元)"),
    "tags": ("tags", "标签"),
    "year": ("year", "年份"),
    "stock_code": ("stock_code", "股票代码"),
}
REQUIRED = ("name", "uscc")
# Tags that are registry flags rather than free tags.
FLAG_TAGS = {"规上": ["is_above_scale"], "专精特新": ["is_specialised"],
             "小巨人": ["is_little_giant"], "专精特新小巨人": ["is_specialised", "is_little_giant"],
             "高新技术企业": ["is_high_tech"], "高新技术": ["is_high_tech"], "瞪羚": ["is_gazelle"],
             "独角兽": ["is_unicorn"], "上市": ["is_listed"]}


class PoolImportError(ValueError):
    """The file was refused; `errors` lists every reason (nothing was written)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class PoolResult:
    """What the import wrote (or would write, on a dry run)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped_local: list[str] = field(default_factory=list)
    products: int = 0
    figures: int = 0
    dry_run: bool = False


@dataclass
class _Row:
    row_no: int
    form: EnterpriseForm
    revenue: Decimal | None
    year: int
    tags: list[str]
    existing: Enterprise | None


def read_pool_file(path: str | Path) -> Table:
    """The pool file as a table (Parquet only when pyarrow is importable)."""
    path = Path(path)
    if not path.is_file():
        raise PoolImportError([_("No file at %(path)s.") % {"path": path}])
    if path.suffix.lower() == ".parquet":
        try:
            import pyarrow.parquet as pq  # optional: not a dependency of the project
        except ImportError:
            raise PoolImportError([_(
                "Parquet files need the pyarrow package, which is not installed; save the "
                "pool as CSV or XLSX.")]) from None
        data = pq.read_table(path).to_pylist()
        header = list(data[0]) if data else []
        rows = [["" if r[h] is None else str(r[h]) for h in header] for r in data]
        return Table(header=header, rows=rows, row_numbers=list(range(2, len(rows) + 2)))
    try:
        return read_table(path.name, path.read_bytes())
    except TableError as exc:
        raise PoolImportError([str(exc)]) from None


def _columns(header: list[str]) -> tuple[dict[int, str], list[str]]:
    spelling = {s.lower(): key for key, names in COLUMNS.items() for s in names}
    index: dict[int, str] = {}
    errors = []
    unknown = [h for h in header if h.strip().lower() not in spelling]
    if unknown:
        errors.append(_("Unknown column(s): %(columns)s. A pool file has the columns %(known)s.")
                      % {"columns": "、".join(unknown),
                         "known": "、".join(n[0] for n in COLUMNS.values())})
    seen: dict[str, str] = {}
    for i, h in enumerate(header):
        key = spelling.get(h.strip().lower())
        if key is None:
            continue
        if key in seen:
            errors.append(_("Columns “%(a)s” and “%(b)s” are the same column.") % {
                "a": seen[key], "b": h})
        seen[key] = h
        index[i] = key
    missing = [COLUMNS[k][1] for k in REQUIRED if k not in seen]
    if missing:
        errors.append(_("Missing column(s): %(columns)s.") % {"columns": "、".join(missing)})
    return index, errors


def _form_data(values: dict[str, str], existing: Enterprise | None) -> tuple[dict, list[str]]:
    data: dict[str, Any] = {"uscc": values.get("uscc", ""), "name": values.get("name", ""),
                            "region_name": values.get("region", ""),
                            "industry_code": values.get("industry_code", ""),
                            "products": values.get("products", ""),
                            "stock_code": values.get("stock_code", "")}
    free_tags = []
    for tag in [t.strip() for t in values.get("tags", "").replace("；", "|").split("|")]:
        if tag in FLAG_TAGS:
            data.update(dict.fromkeys(FLAG_TAGS[tag], "on"))
        elif tag:
            free_tags.append(tag)
    if existing is not None:
        # Keep what the file does not mention; the registered name stays.
        form = EnterpriseForm()
        for name in FIRM_FIELDS:
            if name == "name" or not str(data.get(name, "")).strip():
                value = cell_value(existing, name, form.fields[name])
                if isinstance(value, bool):
                    value = "on" if value or data.get(name) else ""
                data[name] = "" if value is None else value
        if not data["products"].strip():  # an empty cell keeps the firm's products
            data["products"] = "|".join(
                f"{p.name}:{p.revenue_share}" if p.revenue_share is not None else p.name
                for p in existing.products.all())
    return data, free_tags


def _number(text: str, row_no: int, column: str, errors: list[str]) -> Decimal | None:
    if not text.strip():
        return None
    try:
        value = Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        errors.append(row_error(row_no, column, _("“%(value)s” is not a number.") % {
            "value": text}))
        return None
    if value < 0:
        errors.append(row_error(row_no, column, _("cannot be negative")))
    return value


def _validate(table: Table, user: Any) -> tuple[list[_Row], list[str], list[str]]:
    index, errors = _columns(table.header)
    if errors:
        return [], errors, []
    errors = [row_error(n, c, r) for n, c, r in table.cell_errors]
    header_of = {key: table.header[i] for i, key in index.items()}
    raw = [(no, {key: cells[i] for i, key in index.items()})
           for no, cells in zip(table.row_numbers, table.rows, strict=True)]
    usccs = {normalize_uscc(v.get("uscc")) for _n, v in raw} - {""}
    by_uscc = {f.uscc: f for f in Enterprise.objects.filter(uscc__in=usccs)}
    by_name = {f.name: f for f in Enterprise.objects.filter(
        uscc__isnull=True, name__in=[v.get("name", "").strip() for _n, v in raw])}
    first_row: dict[str, int] = {}
    rows, skipped = [], []
    default_year = datetime.date.today().year - 1
    for row_no, values in raw:
        code = normalize_uscc(values.get("uscc"))
        if code and code in first_row:
            errors.append(row_error(row_no, header_of["uscc"], _(
                "USCC %(uscc)s is also on row %(row)d; each firm once.") % {
                    "uscc": code, "row": first_row[code]}))
            continue
        first_row.setdefault(code, row_no)
        if not code:
            errors.append(row_error(row_no, header_of["uscc"], _(
                "a pool firm needs its USCC (it is how re-loads find the firm)")))
            continue
        existing = by_uscc.get(code) or by_name.get(values.get("name", "").strip())
        if existing is not None and existing.town_id is not None:
            skipped.append(existing.name)
            continue
        data, tags = _form_data(values, existing)
        form = EnterpriseForm(data=data, instance=existing, user=user)
        if not form.is_valid():
            for name, messages in form.errors.items():
                column = header_of.get({"region_name": "region"}.get(name, name), "") or (
                    str(form.fields[name].label) if name in form.fields else "")
                errors.extend(row_error(row_no, column, m) for m in messages)
            continue
        revenue = _number(values.get("revenue", ""), row_no, header_of.get("revenue", ""), errors)
        year = _number(values.get("year", ""), row_no, header_of.get("year", ""), errors)
        if year is not None and not 1949 <= year <= 2100:
            errors.append(row_error(row_no, header_of["year"], _("not a year")))
        rows.append(_Row(row_no, form, revenue, int(year or default_year), tags, existing))
    return rows, errors, skipped


def import_pool(table: Table, user: Any = None, dry_run: bool = False,
                source: str = "") -> PoolResult:
    """Validate every row, then write all of them in one transaction (or nothing)."""
    rows, errors, skipped = _validate(table, user)
    if errors:
        raise PoolImportError(errors)
    result = PoolResult(rows=len(table.rows), skipped_local=skipped, dry_run=dry_run)
    if dry_run:
        result.created = sum(1 for r in rows if r.existing is None)
        result.updated = len(rows) - result.created
        return result
    source = source or _("pool import")
    with transaction.atomic():
        new = [r for r in rows if r.existing is None]
        for r in new:
            r.form.instance.uscc = normalize_uscc(r.form.instance.uscc) or None
        firms = audited_bulk_create(Enterprise, [r.form.instance for r in new])
        products, figures = [], []
        for r, firm in zip(new, firms, strict=True):
            wanted = dict(r.form.cleaned_data.get("products") or [])
            products += [Product(enterprise=firm, name=n, revenue_share=s)
                         for n, s in wanted.items()]
            if r.revenue is not None:
                figures.append(YearlyFigure(enterprise=firm, year=r.year, revenue=r.revenue,
                                            source=source))
        audited_bulk_create(Product, products)
        audited_bulk_create(YearlyFigure, figures)
        for r in rows:
            if r.existing is not None:
                firm = r.form.save()
                if r.revenue is not None:
                    figure = YearlyFigure.objects.filter(enterprise=firm, year=r.year).first() or \
                        YearlyFigure(enterprise=firm, year=r.year, source=source)
                    figure.revenue = r.revenue
                    figure.save()
                    result.figures += 1
            if r.tags:
                r.form.instance.tags.add(*[_tag(name) for name in r.tags])
        result.created, result.updated = len(new), len(rows) - len(new)
        result.products, result.figures = len(products), result.figures + len(figures)
    return result


def _tag(name: str) -> Tag:
    tag = Tag.objects.filter(name=name).first()
    if tag is None:
        tag = Tag(name=name, slug=slugify(name, allow_unicode=True)[:100] or "tag")
        tag.save()
    return tag
