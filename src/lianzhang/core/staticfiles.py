"""django.contrib.staticfiles, leaving out the npm packages' builds that no page loads.

Pages load the minified browser builds (htmx.min.js, echarts.min.js, tabler.min.css and
tabler.min.js, with the source maps these name). The packages also ship unminified,
ES-module, right-to-left and partial builds with their source maps. Production
collects, hashes and compresses every collected file at each release: with these left
out the vendor part of the static directory is 11 MB instead of 166 MB, and the step
takes a few seconds instead of a quarter of a minute. Embedded mode serves straight
from the packages and is not affected."""

from __future__ import annotations

from django.contrib.staticfiles.apps import StaticFilesConfig as BaseConfig

__all__ = ["StaticFilesConfig", "UNUSED_BUILDS"]

UNUSED_BUILDS = [
    "*.esm.*", "*.rtl.*", "*.d.ts",
    "echarts.js", "echarts.js.map", "echarts.common.*", "echarts.simple.*", "bmap*", "dataTool*",
    "tabler.js", "tabler.js.map", "tabler.css", "tabler.css.map", "tabler-*",
    "htmx.js", "htmx.amd.js", "htmx.cjs.js", "*.gz",
]


class StaticFilesConfig(BaseConfig):
    """The static files app with the unused builds on its ignore list."""

    ignore_patterns = [*BaseConfig.ignore_patterns, *UNUSED_BUILDS]
