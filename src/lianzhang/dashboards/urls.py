"""URLs of the dashboards app."""

from django.urls import path

from lianzhang.core.urls_factory import object_urls

from .views import chain as chain_views
from .views import exports, towns

app_name = "dashboards"

urlpatterns = [
    path("chain/<int:pk>/", chain_views.chain_page, name="chain"),
    path("chain/<int:pk>/node/<int:node_pk>/", chain_views.node_panel, name="node_panel"),
    path("chain/<int:pk>/snapshot/", chain_views.take_snapshot_view, name="snapshot"),
    path("chain/<int:pk>/lists.xlsx", exports.lists_workbook, name="lists_xlsx"),
    path("chain/<int:pk>/nodes.xlsx", exports.node_table, name="nodes_xlsx"),
    path("chain/<int:pk>/tree.svg", exports.tree_svg, name="tree_svg"),
    path("chain/<int:pk>/tree.png", exports.tree_png, name="tree_png"),
    path("towns/", towns.city_page, name="city"),
    path("towns/<int:pk>/", towns.town_page, name="town"),
    *object_urls("dashboards"),
]
