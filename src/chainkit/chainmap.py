"""Chain maps (产业链图谱 / 树状图): the node tree of a chain, its file formats, checks,
version comparison and summary figures. Pure Python; the web app stores what this
returns and renders the diffs.

Model
-----
A :class:`ChainMap` has metadata (``name``, ``code`` slug, ``category`` 优势产业 /
新兴产业 / 未来产业, ``description``, ``towns`` whose main industry it is) and nodes
(:class:`MapNode`) in pre-order. A node is identified by its ``path``, the tuple of names
from its top-level node (``("上游", "核心零部件", "压缩机")``); names are unique among
siblings and contain no "/". Each top-level node has a ``segment`` (upstream / midstream /
downstream; 上游/中游/下游 accepted, and inferred when the node is *named* 上游/中游/下游);
every other node inherits its top-level ancestor's segment. ``weight`` (≥ 0, default 1)
is the node's share in chain completeness (DESIGN §4): a BOM value share where known,
otherwise a relative importance where 1 is an ordinary leaf. ``industry_codes`` are
GB/T 4754-2017 codes: a 门类 letter A–T or 2/3/4 digits ("C3442" is folded to "3442").

Nested YAML format (UTF-8)
--------------------------
::

    name: 智能家电                 # required
    code: smart-appliance          # slug: letters, digits, - and _
    category: 优势产业             # 优势产业 | 新兴产业 | 未来产业 (optional)
    description: 冰箱、空调、洗衣机、电视等整机及其零部件、材料
    towns: [九龙街道]              # optional: towns whose main industry this is
    nodes:
      - name: 上游                 # top level: segment inferred from the name …
        description: 原材料与核心零部件
        children:
          - name: 核心零部件
            children:
              - name: 压缩机
                is_core: true        # default false
                weight: 3            # default 1
                keywords: [冰箱压缩机, 空调压缩机, 转子压缩机]
                negative_keywords: [压缩机维修]
                industry_codes: [3442]
                description: 冰箱、空调的"心脏"
      - name: 整机制造             # … or given explicitly
        segment: 中游

Keys are exactly these (an unknown or doubled key is an error, so a typo cannot drop
data silently). Lists may also be written as one string separated by | 、 , or ；.
Plain numbers are read as text, so ``industry_codes: [0141]`` keeps its leading zero.

Flat tabular format (what XLSX/CSV import and export use)
---------------------------------------------------------
One row per node; headers Chinese or English (``ROW_COLUMNS_ZH`` / ``ROW_COLUMNS_EN``):
路径 path (``上游/核心零部件/压缩机``; or 上级路径 parent_path + 节点 name), 节点 name
(optional with a path; must equal the path's last part), 环节 segment (needed on
top-level rows not named 上游/中游/下游), 关键词 keywords, 排除词 negative_keywords,
行业代码 industry_codes (list cells split on | 、 , ；), 权重 weight, 核心零部件 is_core
(是/否, Y/N, 1/0, √), 说明 description. Rows may come in any order; 序号 and 层级 columns
are ignored, any other unknown column is an error. The id variant (:func:`from_id_rows`)
has 编号 node_id and 上级编号 parent_id instead of the path and detects cycles.

Errors
------
Everything found is reported at once as a :class:`MapError` (an ``InputError``) whose
``errors`` list holds one Chinese message per problem: "第N行 列名: 原因" for rows,
"节点“上游/原材料” 字段: 原因" for YAML.
"""

from __future__ import annotations

from .chainmap_compare import diff, stats
from .chainmap_fields import CATEGORIES, PATH_SEP, SEGMENT_LABELS, SEGMENTS, parse_codes
from .chainmap_model import ChainMap, MapError, MapNode, check_codes, validate_map
from .chainmap_rows import (
    ID_COLUMNS_EN,
    ID_COLUMNS_ZH,
    ROW_COLUMNS_EN,
    ROW_COLUMNS_ZH,
    from_id_rows,
    from_rows,
    to_id_rows,
    to_rows,
)
from .chainmap_yaml import (
    dump_yaml,
    from_dict,
    load_template_dir,
    load_yaml,
    load_yaml_file,
    to_dict,
)

__all__ = [
    "CATEGORIES", "ID_COLUMNS_EN", "ID_COLUMNS_ZH", "PATH_SEP", "ROW_COLUMNS_EN",
    "ROW_COLUMNS_ZH", "SEGMENTS", "SEGMENT_LABELS",
    "ChainMap", "MapError", "MapNode",
    "check_codes", "diff", "dump_yaml", "from_dict", "from_id_rows", "from_rows",
    "load_template_dir", "load_yaml", "load_yaml_file", "parse_codes", "stats",
    "to_dict", "to_id_rows", "to_rows", "validate_map",
]
