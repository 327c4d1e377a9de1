"""The chain-map templates shipped with the product (issue 3): they load in the demo,
each as a chain with a published 1.0 map of the template's nodes."""

import io

from django.core.management import call_command

from lianzhang.chains.models import Chain
from lianzhang.chains.services import load_templates


def test_it_loads_every_template_into_the_demo(db):
    call_command("load_demo", stdout=io.StringIO())
    templates = load_templates()
    assert len(templates) >= 27
    for template in templates:
        chain = Chain.objects.get(code=template.code)
        version = chain.published_map()
        assert version is not None and version.version == "1.0", template.code
        assert version.nodes.count() == len(template.nodes), template.code
        assert chain.maps.filter(status="draft").count() == 0
