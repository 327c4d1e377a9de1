"""URLs of the attraction app: generated object pages plus its own pages."""

from django.urls import path

from lianzhang.core.urls_factory import object_urls

from .views import leads, pipeline, recommend

app_name = "attraction"

urlpatterns = [
    path("gaps/", recommend.gaps, name="gaps"),
    path("chains/<int:chain_pk>/roadmap/", recommend.chain_roadmap, name="roadmap"),
    path("nodes/<int:node_pk>/recommendations/", recommend.node_recommendations,
         name="node_recommendations"),
    path("recommendations/<int:pk>/lead/", recommend.lead_from_recommendation,
         name="lead_from_recommendation"),
    path("leads/<int:pk>/move/", leads.lead_move, name="lead_move"),
    path("leads/<int:pk>/activity/", leads.lead_activity, name="lead_activity"),
    path("leads/<int:pk>/convert/", leads.lead_convert, name="lead_convert"),
    path("pipeline/", pipeline.kanban, name="kanban"),
    path("funnel/", pipeline.funnel, name="funnel"),
    path("overdue/", leads.overdue_list, name="overdue"),
    path("duplicates/", leads.duplicates, name="duplicates"),
    *object_urls("attraction"),
]
