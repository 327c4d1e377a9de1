#!/usr/bin/env python3
"""Fill empty msgstr entries of a .po file from a TSV of `msgid<TAB>msgstr` lines
(plural entries: `msgid<TAB>singular<TAB>plural`). Existing translations are kept.

Usage: scripts/po_fill.py CATALOG.po TRANSLATIONS.tsv
Workflow for new strings: `make makemessages`, add the new lines to a TSV, run this."""

from __future__ import annotations

import re
import sys


def _unquote(lines: list[str]) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', " ".join(lines))).encode().decode(
        "unicode_escape").encode("latin-1").decode("utf-8")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def fill(po_text: str, table: dict[str, list[str]]) -> tuple[str, list[str]]:
    """Return the filled catalogue and the msgids still untranslated."""
    out, missing = [], []
    for block in po_text.split("\n\n"):
        lines = block.split("\n")
        keys = [i for i, ln in enumerate(lines) if ln.startswith("msgid ")]
        if not keys:
            out.append(block)
            continue
        i = keys[0]
        j = i + 1
        while j < len(lines) and lines[j].startswith('"'):
            j += 1
        msgid = _unquote(lines[i:j])
        if not msgid:
            out.append(block)
            continue
        fuzzy = any(ln.startswith("#,") and "fuzzy" in ln for ln in lines)
        if fuzzy:  # makemessages' guesses from similar strings are not translations
            lines = [ln for ln in lines if not (ln.startswith("#,") and "fuzzy" in ln)
                     and not ln.startswith("#| ")]
            i = next(k for k, ln in enumerate(lines) if ln.startswith("msgid "))
            j = i + 1
            while j < len(lines) and lines[j].startswith('"'):
                j += 1
        strs = [k for k, ln in enumerate(lines) if ln.startswith("msgstr")]
        current = []
        for k in strs:
            end = k + 1
            while end < len(lines) and lines[end].startswith('"'):
                end += 1
            current.append("" if fuzzy else _unquote(lines[k:end]))
        if any(current):
            out.append(block)
            continue
        found = table.get(msgid)
        if not found:
            missing.append(msgid)
            out.append(block)
            continue
        head = lines[:strs[0]]
        if lines[strs[0]].startswith("msgstr["):
            body = [f"msgstr[0] {_quote(found[-1])}"]
        else:
            body = [f"msgstr {_quote(found[0])}"]
        out.append("\n".join(head + body))
    return "\n\n".join(out), missing


def main() -> int:
    po_path, tsv_path = sys.argv[1:3]
    table = {}
    for line in open(tsv_path, encoding="utf-8"):
        if line.strip() and not line.startswith("#"):
            parts = line.rstrip("\n").split("\t")
            table[parts[0]] = parts[1:]
    text, missing = fill(open(po_path, encoding="utf-8").read(), table)
    open(po_path, "w", encoding="utf-8").write(text)
    for msgid in missing:
        print(f"untranslated: {msgid}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
