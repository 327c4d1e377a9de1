"""CSV reading and writing for the engine's command-line tools.

Reads UTF-8 (with or without BOM) and GBK/GB18030, the encodings offices' Excel
exports actually use; writes UTF-8 with a BOM so Excel opens Chinese text correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from .errors import InputError

__all__ = ["decode_bytes", "read_csv", "write_csv"]


def decode_bytes(data: bytes) -> str:
    """Decode file bytes as UTF-8 (BOM optional), else GB18030 (a superset of GBK).

    Raises InputError when neither fits or the text looks binary."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError("无法识别文件编码：文件是 UTF-16 编码，请另存为 UTF-8 或 GBK 编码的 CSV")
    if b"\x00" in data[:4096]:
        raise InputError("无法识别文件编码：文件含有空字节（可能是 UTF-16 或二进制文件），请保存为 UTF-8 或 GBK 编码的 CSV")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    raise InputError("无法识别文件编码（支持 UTF-8、GBK、GB18030）")


def _looks_like_text(text: str) -> bool:
    # GB18030 decodes most byte soup; control or private-use characters betray it.
    for ch in text[:20000]:
        code = ord(ch)
        if (code < 32 and ch not in "\t\r\n") or 0xE000 <= code <= 0xF8FF:
            return False
    return True


def read_csv(path: str | Path, required: Sequence[str] = ()) -> list[dict[str, str]]:
    """Read a CSV file into a list of dicts (values stripped, missing cells as "").

    Raises InputError naming the missing required columns."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"文件不存在：{path}")
    text = decode_bytes(path.read_bytes())
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(f"{path.name} 缺少必需的列：{', '.join(missing)}")
    reader.fieldnames = header
    rows = []
    for row in reader:
        rows.append({k: (v or "").strip() for k, v in row.items() if k is not None})
    return rows


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Write rows to a UTF-8 CSV file with a header line."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
