"""Injection, server side: the tree export escapes names, every response carries the
Content-Security-Policy (enforced, or report-only by setting), and no template brings
back inline script, inline handlers, inline style elements or unescaped output."""

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

import lianzhang
from lianzhang.chains.models import Chain

from .conftest import build_chain_world

PAYLOAD = "<img src=x onerror=alert(1)>\"'><svg onload=alert(1)>&amp;"
SVG_NS = "{http://www.w3.org/2000/svg}"


def _client(world, name="admin"):
    user = world.user(name)
    if name == "admin":  # the Django admin too, as the demo city's administrator
        user.is_staff = user.is_superuser = True
        user.save()
    client = Client()
    client.force_login(user)
    return client


def test_it_escapes_names_in_the_tree_svg_and_png(world):
    build_chain_world(world, motor="电机" + PAYLOAD)
    chain = Chain.objects.get(pk=world.chain_a.pk)
    chain.name = "家电" + PAYLOAD + "\x0b"  # a control character XML forbids
    chain.save()
    client = _client(world)
    svg = client.get(reverse("dashboards:tree_svg", args=[chain.pk])).content.decode()
    root = ET.fromstring(svg)  # well-formed: it would not parse with the raw names
    tags = {el.tag.removeprefix(SVG_NS) for el in root.iter()}
    assert tags == {"svg", "rect", "circle", "text", "tspan"}  # no planted element
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG_NS}text")]
    assert texts[0] == "家电" + PAYLOAD  # shown literally, minus the control character
    assert any(t.startswith("电机" + PAYLOAD + " ★") for t in texts)
    png = client.get(reverse("dashboards:tree_png", args=[chain.pk]))
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")


@pytest.mark.parametrize("path, user", [("login", None), ("home", "admin"),
                                        ("api-docs", "admin"), ("admin:index", "admin")])
def test_it_sends_the_policy_on_every_response(world, path, user):
    client = _client(world, user) if user else Client()
    response = client.get(reverse(path))
    assert response.status_code == 200
    policy = dict(d.strip().split(" ", 1) for d in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'" and policy["form-action"] == "'self'"
    assert policy["style-src-elem"] == "'self'" and policy["img-src"] == "'self' data:"
    assert "Content-Security-Policy-Report-Only" not in response


def _settings_in_subprocess(tmp_path, **env):
    """The CSP settings as lianzhang.settings builds them from this environment."""
    code = ("import json, lianzhang.settings as s; print(json.dumps("
            "[getattr(s, 'CONTENT_SECURITY_POLICY', None), "
            "getattr(s, 'CONTENT_SECURITY_POLICY_REPORT_ONLY', None)]))")
    src = str(Path(lianzhang.__file__).parent.parent)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, env={**os.environ, "PYTHONPATH": src,
                                             "LIANZHANG_VAR_DIR": str(tmp_path), **env})
    return json.loads(result.stdout)


def test_it_switches_the_policy_to_report_only_by_setting(tmp_path):
    enforced, report_only = _settings_in_subprocess(tmp_path)
    assert report_only is None and enforced["DIRECTIVES"]["script-src"] == ["'self'"]
    assert "report-uri" not in enforced["DIRECTIVES"]
    enforced, report_only = _settings_in_subprocess(
        tmp_path, LIANZHANG_CSP_REPORT_ONLY="true",
        LIANZHANG_CSP_REPORT_URI="https://csp.example.gov.cn/report")
    assert enforced is None and report_only["DIRECTIVES"]["script-src"] == ["'self'"]
    assert report_only["DIRECTIVES"]["report-uri"] == ["https://csp.example.gov.cn/report"]
    with pytest.raises(subprocess.CalledProcessError) as bad:
        _settings_in_subprocess(tmp_path, LIANZHANG_CSP_REPORT_ONLY="maybe")
    assert "LIANZHANG_CSP_REPORT_ONLY" in bad.value.stderr


# What no template may hold: the policy would refuse the first four, and the last two
# would print user data unescaped. Scripts go to static files, data to json_script.
FORBIDDEN = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)", re.I),
    "inline event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "javascript: URL or hx-on": re.compile(r"javascript:|hx-on", re.I),
    "style element": re.compile(r"<style", re.I),
    "|safe": re.compile(r"\|\s*safe\b"),
    "autoescape off": re.compile(r"autoescape\s+off"),
}


def test_it_keeps_templates_free_of_inline_script_and_unescaped_output():
    root = Path(lianzhang.__file__).parent
    found = []
    for template in sorted(root.glob("**/templates/**/*.html")):
        text = template.read_text(encoding="utf-8")
        found += [f"{template.relative_to(root)}: {what}"
                  for what, pattern in FORBIDDEN.items() if pattern.search(text)]
    assert found == []
    python = [p for p in root.glob("**/*.py") if "tests" not in p.parts]
    assert [str(p.relative_to(root)) for p in python
            if re.search(r"\bmark_safe\(|SafeString\(", p.read_text(encoding="utf-8"))] == []
