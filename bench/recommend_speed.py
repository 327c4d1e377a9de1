"""Benchmark chainkit.recommend on a synthetic national pool (default 1,000,000 firms).

Issue 7 (Performance): recommendations for one gap over 1,000,000 firms in ≤ 1 s after
an index build; index build time and memory reported; a batch over many gaps with a
progress bar. Reference, same process, same data: a plain linear scan (for each firm,
for each product, `term in product`, keep the firm if any matches, then sort), i.e.
what one writes without an index, timed on the same gap terms.

    .venv/bin/python bench/recommend_speed.py                  # 1,000,000 firms
    .venv/bin/python bench/recommend_speed.py --firms 100000   # smaller

Data: `generate(n)`, numpy seed 20240701, deterministic: product names composed as
[modifier][modifier]head[suffix] from fixed lexicons (≈ 6 products per firm, Zipf-like
head popularity), noisy revenue shares (some ≤ 0, > 1), revenue, growth, tags,
listing, supplies and distance band, 31 regions.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time

import numpy as np

from chainkit.recommend import Filters, Firm, GapQuery, PoolIndex

HEADS = ("压缩机 电机 轴承 阀门 传感器 芯片 电池 电容器 变压器 减速器 齿轮 水泵 风机 换热器 "
         "控制器 显示屏 摄像头 线束 连接器 继电器 开关 电缆 光纤 模具 铸件 锻件 冲压件 "
         "注塑件 涂料 胶粘剂 树脂 薄膜 玻璃 陶瓷 钢板 铝材 铜箔 硅片 磁材 滤波器 天线 "
         "雷达 机器人 机床 刀具 夹具 泵 阀 管件 法兰 紧固件 弹簧 密封件 轮胎 座椅 "
         "仪表 逆变器 充电桩 光伏组件 风电叶片 叶轮 发动机 变速器 制动器 转向器 悬架 "
         "散热器 空调 冰箱 洗衣机 电视 手机 服务器 软件 平台 系统 设备 装置 材料").split()
MODIFIERS = ("空调 汽车 精密 高压 低压 变频 新能源 智能 工业 医用 家用 商用 船用 航空 "
             "数控 液压 气动 伺服 直流 交流 永磁 无刷 微型 大型 重型 轻型 高速 超薄 "
             "柔性 耐高温 防爆 节能 环保 光学 电子 化工 食品 纺织 冷链 储能 氢能 "
             "半导体 集成 车载 车用 风电 光伏 核电 轨道 铁路 矿用 农用 特种 高强度 "
             "不锈钢 铝合金 碳纤维 复合 螺杆 涡旋 活塞 离心 旋转 往复 双级 单级").split()
SUFFIXES = ("零部件 配件 系列 业务 总成 模组 组件 生产线 维修 销售").split()
REGIONS = [f"{code}0000" for code in (11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36,
                                      37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62,
                                      63, 64, 65)]
TAGS = ("专精特新", "小巨人", "高新技术企业", "单项冠军", "瞪羚", "外资", "国有")
GAPS = ["压缩机", "空调压缩机", "涡旋压缩机", "传感器", "车载传感器", "芯片", "伺服电机",
        "减速器", "精密减速器", "电池", "储能电池", "连接器", "显示屏", "柔性显示屏", "变压器",
        "光伏组件", "风电叶片", "换热器", "机器人", "密封件", "轴承", "阀门", "涂料", "设备"]


def generate(n: int, seed: int = 20240701) -> list[Firm]:
    """Deterministic synthetic pool of `n` firms."""
    rng = np.random.default_rng(seed)
    counts = np.clip(rng.poisson(5.0, n) + 1, 1, 20)
    total = int(counts.sum())
    # Zipf-like popularity: a few heads (设备, 系统 …) are everywhere, most are rarer.
    head_p = 1.0 / np.arange(1, len(HEADS) + 1) ** 0.8
    heads = rng.choice(len(HEADS), total, p=head_p / head_p.sum())
    m1 = rng.integers(-len(MODIFIERS), len(MODIFIERS), total)   # < 0: no modifier
    m2 = rng.integers(-4 * len(MODIFIERS), len(MODIFIERS), total)
    suf = rng.integers(-6 * len(SUFFIXES), len(SUFFIXES), total)
    weights = np.round(rng.gamma(1.0, 0.3, total) - 0.02, 6)    # noisy: some ≤ 0, some > 1
    names = []
    for i in range(total):
        name = HEADS[heads[i]]
        if m1[i] >= 0:
            name = MODIFIERS[m1[i]] + name
        if m2[i] >= 0:
            name = MODIFIERS[m2[i]] + name
        if suf[i] >= 0:
            name += SUFFIXES[suf[i]]
        names.append(name)
    revenue = np.round(np.exp(rng.normal(20.0, 1.5, n)), -4)
    has_rev = rng.random(n) < 0.8
    growth = np.round(rng.normal(0.08, 0.2, n), 4)
    listed = rng.random(n) < 0.05
    supplies = rng.poisson(0.1, n)
    band = rng.integers(0, 4, n)
    region = rng.integers(0, len(REGIONS), n)
    tag_mask = rng.random((n, len(TAGS))) < 0.04
    firms = []
    pos = 0
    wl = weights.tolist()
    for j in range(n):
        c = int(counts[j])
        firms.append(Firm(
            id=f"F{j:07d}", name=f"合成企业{j}有限公司", products=tuple(names[pos:pos + c]),
            weights=tuple(wl[pos:pos + c]), region=REGIONS[region[j]],
            revenue=float(revenue[j]) if has_rev[j] else None, growth=float(growth[j]),
            tags=tuple(t for t, on in zip(TAGS, tag_mask[j], strict=True) if on),
            listed=bool(listed[j]), supplies_local=int(supplies[j]),
            distance_band=int(band[j])))
        pos += c
    return firms


def rss_mb() -> float:
    """Current resident set size in MB (Linux /proc)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def linear_scan(firms: list[Firm], term: str, top_k: int = 50) -> list[str]:
    """Reference without an index: every product of every firm tested with `in`."""
    hits = [f.id for f in firms if any(term in p for p in f.products)]
    hits.sort()
    return hits[:top_k]


def progress_bar(done: int, total: int) -> None:
    """A one-line text progress bar on stderr, redrawn only when it grows (so a log
    file gets ~30 updates, not one per gap)."""
    width = 30
    filled = width * done // total
    if done != total and filled == width * (done - 1) // total:
        return
    sys.stderr.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit status 1 if the 1 s per-gap target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per gap")
    parser.add_argument("--batch", type=int, default=240, help="gaps in the batch job")
    parser.add_argument("--scan-gaps", type=int, default=5,
                        help="gaps timed with the linear-scan reference (slow)")
    args = parser.parse_args(argv)

    print(f"firms: {args.firms:,}")
    rss0 = rss_mb()
    t = time.perf_counter()
    firms = generate(args.firms)
    gen_s = time.perf_counter() - t
    n_occ = sum(len(f.products) for f in firms)
    rss1 = rss_mb()
    print(f"generate: {gen_s:.1f} s, {n_occ:,} product listings, input objects ≈ {rss1 - rss0:,.0f} MB")

    gc.collect()
    t = time.perf_counter()
    index = PoolIndex.build(firms)
    build_s = time.perf_counter() - t
    rss2 = rss_mb()
    est = index.memory_bytes() / 2**20
    print(f"index build: {build_s:.1f} s; {index.product_count:,} distinct products; "
          f"memory: RSS +{rss2 - rss1:,.0f} MB, estimated {est:,.0f} MB")

    filters = Filters(exclude_ids=frozenset(f"F{j:07d}" for j in range(0, args.firms, 97)))
    lat: list[float] = []
    rows = []
    for gap in GAPS:
        q = GapQuery(name=gap)
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            recs = index.recommend(q, top_k=50, filters=filters)
            times.append(time.perf_counter() - t)
        best = min(times)
        lat.append(best)
        rows.append((gap, best, len(recs)))
    print("\nper gap (top 50 with factor breakdown and matched products, exclusion filter "
          f"of {len(filters.exclude_ids):,} ids), best of {args.repeat}:")
    for gap, s, n in rows:
        print(f"  {gap:<8} {s * 1000:8.1f} ms  ({n} results)")
    p95 = float(np.percentile(lat, 95))
    print(f"latency: median {statistics.median(lat) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
          f"max {max(lat) * 1000:.0f} ms (target ≤ 1000 ms)")

    scan = []
    for gap in GAPS[: args.scan_gaps]:
        t = time.perf_counter()
        linear_scan(firms, gap)
        scan.append((gap, time.perf_counter() - t))
    ratio = [s / lat[GAPS.index(g)] for g, s in scan]
    print("linear scan (reference, same data): " + ", ".join(
        f"{g} {s * 1000:.0f} ms" for g, s in scan)
        + f"; engine is {min(ratio):.0f}–{max(ratio):.0f}× faster on these gaps")

    # 24 chains × 10 gaps: the gap list cycled (a batch job's cost is per gap).
    batch = [GapQuery(name=GAPS[i % len(GAPS)], qid=str(i)) for i in range(args.batch)]
    t = time.perf_counter()
    index.recommend_many(batch, top_k=50, progress=progress_bar)
    batch_s = time.perf_counter() - t
    print(f"batch: {args.batch} gaps in {batch_s:.1f} s ({batch_s / args.batch * 1000:.0f} ms/gap)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:,.0f} MB")
    return 0 if max(lat) <= 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
