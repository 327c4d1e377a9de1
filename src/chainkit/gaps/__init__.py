"""Chain gap analytics (DESIGN.md §4): coverage, completeness, local supporting rate,
gap status (缺链/短板/强链, 断点风险), common parts and suppliers, town location
quotients and the chain-master shortlist.

Pure Python, no Django. Index the plain tables once, then ask per chain::

    data = index_tables(nodes, links, firms, masters, demands, ties, year=2024)
    figures = all_chain_figures(data)          # {chain_id: ChainFigures}

Every result carries `definition` (the formula used) and `basis` (the data used) in
Chinese so the UI can label each figure. Money is in 元.
"""

from .attribution import DEF_SPLIT
from .coverage import (
    DEF_COMPLETENESS,
    DEF_COVERED,
    DEF_PROXY_RATE,
    DEF_VALUE_RATE,
    Completeness,
    CoverageResult,
    NodeCoverage,
    SupportingRate,
    completeness,
    node_coverage,
    proxy_supporting_rate,
    supporting_rate,
    value_supporting_rate,
)
from .figures import DEF_OUTPUT, ChainFigures, all_chain_figures, chain_figures
from .index import GapData, index_tables
from .shortlist import (
    DEF_SHORTLIST,
    EMERGING,
    PILLAR,
    Excluded,
    Factor,
    ShortlistEntry,
    ShortlistResult,
    master_shortlist,
)
from .status import (
    DEF_COMMON_PARTS,
    DEF_COMMON_SUPPLIERS,
    DEF_GAP,
    MISSING,
    STRONG,
    WEAK,
    CommonPart,
    CommonPartsResult,
    CommonSupplier,
    CommonSuppliersResult,
    GapResult,
    NodeGap,
    common_parts,
    common_suppliers,
    gap_status,
)
from .tables import (
    LINK_STATUSES,
    Demand,
    Firm,
    GapSettings,
    Link,
    Master,
    Node,
    Product,
    SupplyTie,
    TownOutput,
    TownTotal,
    coerce_rows,
    format_amount,
    validate_settings,
)
from .towns import (
    DEF_LQ,
    SMALL_SAMPLE,
    LQResult,
    TownLQ,
    location_quotients,
    town_outputs_from_links,
)

__all__ = [
    # inputs and settings
    "Node", "Link", "Firm", "Product", "Master", "Demand", "SupplyTie", "TownOutput", "TownTotal",
    "GapSettings", "validate_settings", "coerce_rows", "format_amount", "LINK_STATUSES",
    # index
    "GapData", "index_tables",
    # coverage, completeness, supporting rate
    "NodeCoverage", "CoverageResult", "Completeness", "SupportingRate", "node_coverage",
    "completeness", "value_supporting_rate", "proxy_supporting_rate", "supporting_rate",
    # gap status, common parts and suppliers
    "MISSING", "WEAK", "STRONG", "NodeGap", "GapResult", "gap_status", "CommonPart",
    "CommonPartsResult", "CommonSupplier", "CommonSuppliersResult", "common_parts",
    "common_suppliers",
    # towns
    "TownLQ", "LQResult", "location_quotients", "town_outputs_from_links", "SMALL_SAMPLE",
    # shortlist
    "Factor", "ShortlistEntry", "Excluded", "ShortlistResult", "master_shortlist",
    "PILLAR", "EMERGING",
    # headline figures
    "ChainFigures", "chain_figures", "all_chain_figures",
    # definitions (Chinese labels)
    "DEF_COVERED", "DEF_COMPLETENESS", "DEF_VALUE_RATE", "DEF_PROXY_RATE", "DEF_GAP",
    "DEF_COMMON_PARTS", "DEF_COMMON_SUPPLIERS", "DEF_LQ", "DEF_SHORTLIST", "DEF_OUTPUT",
    "DEF_SPLIT",
]
