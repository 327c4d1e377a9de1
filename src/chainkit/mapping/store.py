"""One-file persistence of a fitted Mapper: a NumPy .npz archive, no pickle.

The archive holds a JSON header (format version, config, taxonomy rows, taxonomy
fingerprint, temperature, combiner, model settings and vocabularies) and the model's
arrays. Loading never executes code from the file (allow_pickle=False), and a model
trained on another taxonomy is refused rather than silently mis-mapping.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..errors import InputError
from .combine import Combiner
from .model import LinearNodeModel
from .taxonomy import Taxonomy

if TYPE_CHECKING:
    from .mapper import Mapper

__all__ = ["save_mapper", "load_mapper", "FORMAT"]

FORMAT = "lianzhang-mapper/1"


def _taxonomy_rows(taxonomy: Taxonomy) -> list[dict]:
    """The taxonomy as CSV-like rows (the same shape `Taxonomy.from_rows` reads)."""
    return [{"node_id": n.node_id, "parent_id": n.parent_id or "", "name": n.name,
             "keywords": "|".join(n.keywords),
             "negative_keywords": "|".join(n.negative_keywords),
             "industry_codes": "|".join(n.industry_codes)} for n in taxonomy.nodes]


def save_mapper(mapper: Mapper, path: str | os.PathLike) -> None:
    """Write atomically: a temporary file in the same folder, then rename, so a crash
    never leaves a half-written model where the old one was."""
    if mapper.taxonomy is None:
        raise RuntimeError("cannot save an unfitted Mapper")
    header = {"format": FORMAT, "config": asdict(mapper.config),
              "taxonomy": _taxonomy_rows(mapper.taxonomy),
              "fingerprint": mapper.taxonomy.fingerprint(),
              "temperature": mapper.temperature, "calibrated": mapper.calibrated,
              "combiner": mapper.combiner.state(),
              "model": None}
    arrays: dict[str, np.ndarray] = {}
    if mapper.model is not None:
        header["model"], arrays = mapper.model.state()
    arrays["header"] = np.frombuffer(json.dumps(header, ensure_ascii=False).encode("utf-8"),
                                     dtype=np.uint8)
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".npz", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        _default_mode(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load_mapper(cls: type[Mapper], path: str | os.PathLike,
                taxonomy: Taxonomy | None = None) -> Mapper:
    """Read a file written by `save_mapper`. InputError when it is not one, or when
    `taxonomy` is given and is not the taxonomy the model was trained on."""
    from .mapper import MapperConfig
    path = Path(path)
    if not path.exists():
        raise InputError(f"模型文件不存在：{path}")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        header = json.loads(arrays.pop("header").tobytes().decode("utf-8"))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        raise InputError(f"无法读取模型文件 {path.name}：不是链长挂链模型文件或文件已损坏")
    if header.get("format") != FORMAT:
        raise InputError(f"模型文件 {path.name} 的格式版本不受支持：{header.get('format')}")
    stored = Taxonomy.from_rows(header["taxonomy"])
    if stored.fingerprint() != header["fingerprint"]:
        raise InputError(f"模型文件 {path.name} 已损坏：分类体系校验值不符")
    if taxonomy is not None and taxonomy.fingerprint() != header["fingerprint"]:
        raise InputError(
            f"模型文件 {path.name} 是用另一套分类体系训练的（{len(stored)} 个节点），"
            f"与当前分类体系（{len(taxonomy)} 个节点）不一致，请用当前分类体系重新训练")
    mapper = cls(MapperConfig(**header["config"]))
    mapper._build_rules(stored)
    mapper.temperature = float(header["temperature"])
    mapper.calibrated = bool(header.get("calibrated", False))
    mapper.combiner = Combiner.from_state(header["combiner"])
    if header["model"] is not None:
        mapper.model = LinearNodeModel.from_state(header["model"], arrays)
    return mapper


def _default_mode(path: str) -> None:
    """mkstemp creates files private (0600); give the final file the usual umask mode."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)
