"""The mapping engine's batch fast paths give the same results as simple references."""

from __future__ import annotations

import random

import numpy as np
import scipy.sparse as sp

from chainkit.mapping import Record, Taxonomy
from chainkit.mapping.candidates import model_top, rounded
from chainkit.mapping.keywords import FIELD_WEIGHTS, KeywordHit, KeywordIndex
from chainkit.mapping.model import softmax
from chainkit.mapping.ngrams import CharNgramTfidf, sparse_dot_dense
from chainkit.mapping.records import product_shares
from chainkit.mapping.textnorm import fast_normalize, normalize_fields
from chainkit.text import normalize

ROWS = [
    {"node_id": "A", "parent_id": "", "name": "家电", "keywords": "家电"},
    {"node_id": "A1", "parent_id": "A", "name": "压缩机", "keywords": "压缩机|compressor|𠀀机",
     "negative_keywords": "压缩机维修"},
    {"node_id": "A11", "parent_id": "A1", "name": "空调压缩机", "keywords": "空调压缩机|(空调)"},
    {"node_id": "A2", "parent_id": "A", "name": "电机", "keywords": "电机|马达|机电",
     "negative_keywords": "维修"},
    {"node_id": "A3", "parent_id": "A", "name": "面板", "keywords": "面板|电机"},
]
POOL = (list("空调压缩机维修电马达面板家【】[]（）ＡＢ C\t\x00") + ["compressor", "𠀀", "\u3000"]
        + [chr(0x4E00 + i) for i in range(20)])


def reference_match(index: KeywordIndex, record: Record) -> dict:
    """The keyword rules, per field and by brute force (`str.find` for every keyword)."""
    fields = [("products", p, i) for i, p in enumerate(record.products)]
    fields += [("text", record.text, None), ("name", record.name, None)]
    shares = product_shares(record)
    best: dict = {}
    for field, value, pos in fields:
        text = normalize(value.replace("\x00", ""))
        found = []
        for kid, key in enumerate(index.keywords):
            start = text.find(key)
            while start >= 0:
                found.append((start, -len(key), kid))
                start = text.find(key, start + 1)
        kept, reach = [], -1
        for start, neg, kid in sorted(found):
            if start - neg > reach:
                kept.append(kid)
                reach = start - neg
        vetoed = {n for kid in kept for n in index.negative[kid]}
        strength = (FIELD_WEIGHTS["products"] * shares[pos] if field == "products"
                    else FIELD_WEIGHTS[field])
        for kid in kept:
            for node in index.positive[kid]:
                key = (node, kid, field)
                if node not in vetoed and (key not in best or strength > best[key][0]):
                    best[key] = (strength, value if field == "products" else None)
    out: dict = {}
    for (node, kid, field), (strength, product) in best.items():
        score, hits = out.get(node, (0.0, []))
        hits.append(KeywordHit(index.keywords[kid], field, product, round(strength, 4)))
        out[node] = (1.0 - (1.0 - score) * (1.0 - strength), hits)
    return out


def test_it_matches_a_batch_like_each_record_by_brute_force():
    index = KeywordIndex(Taxonomy.from_rows(ROWS))
    rng = random.Random(3)

    def text(n: int) -> str:
        return "".join(rng.choice(POOL) for _ in range(rng.randint(0, n)))

    records = []
    for i in range(400):
        products = tuple(text(8) for _ in range(rng.randint(0, 3)))
        weights = tuple(rng.choice((None, 0.0, 0.2, 0.7)) for _ in products)
        records.append(Record(id=str(i), name=text(6), text=text(40), products=products,
                              weights=weights))
    batch = index.match_many(records)
    assert any(batch) and index.match_many([]) == []
    for rec, got in zip(records, batch, strict=True):
        assert got == reference_match(index, rec)
        assert index.match(rec) == got


def test_it_normalises_whitespace_like_the_reference():
    spaces = "".join(chr(c) for c in range(0x3100) if chr(c).isspace())
    for text in (spaces, "a" + spaces + "B", "空 调\u3000压缩机\x1c", "\x00 x \x00"):
        assert fast_normalize(text) == normalize(text)


def test_it_multiplies_sparse_matrices_into_the_same_dense_result():
    rng = np.random.default_rng(1)
    for n, f, k, da, db in [(50, 300, 40, 0.05, 0.1), (7, 10, 3, 0.3, 0.5), (1, 5, 1, 1.0, 1.0),
                            (0, 5, 4, 0.5, 0.5), (20, 30, 10, 0.0, 0.5)]:
        a = sp.random(n, f, density=da, format="csr", dtype=np.float32, random_state=rng)
        b = sp.random(f, k, density=db, format="csr", dtype=np.float32, random_state=rng)
        want = (a @ b).toarray()
        for block in (1 << 24, 7, 1):
            got = sparse_dot_dense(a, b, block)
            assert got.dtype == want.dtype and np.array_equal(got, want)


def test_it_picks_the_model_candidates_like_a_full_softmax():
    rng = np.random.default_rng(2)
    margins = rng.normal(0, 1, (300, 57)).astype(np.float32)
    margins[5, :] = 0.25  # all tied: ties go by column
    probs, top = model_top(margins, 0.1, 10, chunk=16)
    want = softmax(margins.astype(np.float64), 0.1)
    assert np.array_equal(probs, want)
    for r in range(len(margins)):
        order = sorted(range(margins.shape[1]), key=lambda c: (-want[r, c], c))[:10]
        assert top[r].tolist() == order
    assert model_top(margins, 0.1, 100)[1].shape == (300, 57)


def test_it_counts_ngrams_like_a_brute_force_reference():
    texts = ["空调压缩机", "", "压缩机压缩机", "ab", "机"]
    vec = CharNgramTfidf((1, 3)).fit(texts)
    queries = [*texts, "未知", "压缩压缩压缩", "空调"]
    got = vec.transform(queries).toarray()
    col = {int(c): i for i, c in enumerate(vec.vocab)}
    want = np.zeros((len(queries), len(vec)), dtype=np.float32)
    for r, text in enumerate(queries):
        counts: dict[int, int] = {}
        for n in (1, 2, 3):
            for i in range(len(text) - n + 1):
                code = n
                for ch in text[i:i + n]:
                    code = (code << 16) | ord(ch)
                if code in col:
                    counts[col[code]] = counts.get(col[code], 0) + 1
        for j, c in counts.items():
            want[r, j] = np.float32(1.0 + np.log(c)) * vec.idf[j]
        norm = np.sqrt((want[r].astype(np.float64) ** 2).sum())
        if norm:
            want[r] /= np.float32(norm)
    assert np.allclose(got, want, rtol=1e-6, atol=0) and not got[1].any() and not got[5].any()


def test_it_rounds_like_python_round():
    rng = np.random.default_rng(4)
    halves = (np.arange(0, 2001) + 0.5) / 10000
    values = np.concatenate([rng.random(20000), halves, np.nextafter(halves, 0),
                             np.nextafter(halves, 1), [0.0, -0.0, 1.0, -0.00005, 123.45675,
                                                       np.inf, 1e30]])
    got = rounded(values)
    want = [round(float(v), 4) for v in values]
    assert got == want
    assert [np.signbit(g) for g in got] == [np.signbit(w) for w in want]


def test_it_normalises_a_batch_like_each_field_alone():
    rng = random.Random(5)
    pool = [*POOL, "Σ", "ΑΣ", "e\u0301", "\u0301", "ﬁ", "①"]
    records = [Record(id=str(i), name="".join(rng.choices(pool, k=rng.randint(0, 5))),
                      text="".join(rng.choices(pool, k=rng.randint(0, 30))),
                      products=tuple("".join(rng.choices(pool, k=3)) for _ in range(i % 3)))
               for i in range(300)]
    clean = [Record(id=r.id, name=r.name.replace("\x00", ""), text=r.text.replace("\x00", ""),
                    products=tuple(p.replace("\x00", "") for p in r.products)) for r in records]
    assert not normalize_fields(records).exact and normalize_fields(clean).exact
    for batch in (records, clean):
        fields = normalize_fields(batch)
        for r, rec in enumerate(clean):
            products, text, name = fields.fields(r)
            assert products == [fast_normalize(p) for p in rec.products]
            assert (text, name) == (fast_normalize(rec.text), fast_normalize(rec.name))
    assert normalize_fields([]).parts == [""] and len(normalize_fields([]).first) == 1


def test_it_gives_the_model_the_same_features_from_shared_normalised_fields():
    from chainkit.mapping.features import Featurizer

    rng = random.Random(7)
    # Marks that NFKC composes with the character before them: a field boundary must stop it.
    pool = [*POOL, "e", "\u0301", "ｶ", "\uff9e", "\u0308"]

    def text(n: int) -> str:
        return "".join(rng.choice(pool) for _ in range(rng.randint(0, n)))

    records = [Record(id=str(i), name=text(12), text=text(40),
                      products=tuple(text(8) for _ in range(rng.randint(0, 4))))
               for i in range(300)]
    clean = [Record(id=r.id, name=r.name.replace("\x00", ""), text=r.text.replace("\x00", ""),
                    products=tuple(p.replace("\x00", "") for p in r.products)) for r in records]
    feat = Featurizer(doc_weight=1.2).fit(clean)
    for batch in (clean, records):  # exact fields are used; inexact ones are ignored
        fields = normalize_fields(batch)
        assert fields.exact == (batch is clean)
        plain, shared = feat.transform(batch), feat.transform(batch, fields)
        assert plain.shape == shared.shape and (plain != shared).nnz == 0


def test_it_builds_the_code_block_from_cached_rows_exactly():
    from chainkit.mapping.features import Featurizer, code_tokens

    codes = ["3442", "C3442", "34", "", "3425", "3442", "9999", "c", "34-42", "3442"]
    records = [Record(id=str(i), name="甲", industry_code=c) for i, c in enumerate(codes)]
    feat = Featurizer().fit(records[:6])
    vec = feat.vectorizers["code"]
    for _ in range(2):  # the second pass is served from the cache
        got = feat._code_block(records, vec)
        want = vec.transform([code_tokens(c) for c in codes])
        assert got.shape == want.shape and abs(got - want).max() == 0
    assert feat._code_block([], vec).shape == (0, len(vec.vocabulary_))
