"""Background jobs: recommendations for every gap node of every chain (with a
progress bar) and the lead deadline reminders."""

from __future__ import annotations

import time
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianzhang.chains.models import Chain
from lianzhang.core.jobs import JobRunner, register_runner
from lianzhang.core.schedule import register_periodic

__all__ = ["RecommendationBatchJob", "LeadReminderJob", "start_batch"]


@register_runner
class RecommendationBatchJob(JobRunner):
    """Ranks outside firms for each gap node (one index build, all nodes)."""

    kind = "attraction.recommend_batch"
    name = gettext_lazy("Recommendations for all gap nodes")
    result_labels = {"nodes": gettext_lazy("Gap nodes"),
                     "recommendations": gettext_lazy("Recommendations saved"),
                     "pool": gettext_lazy("Firms in the pool"),
                     "seconds": gettext_lazy("Time taken (s)")}
    # Each node's recommendations are replaced in their own transaction; running the
    # batch again recomputes them all.
    requeue_when_orphaned = True

    def run(self, chain_id: int | None = None, top_k: int = 20,
            chain_ids: list[int] | None = None) -> dict[str, Any]:
        from .services.gaps import gap_nodes
        from .services.recommend import refresh_many

        started = time.perf_counter()
        chain = Chain.objects.get(pk=chain_id) if chain_id else None
        gaps = gap_nodes(chain)
        if chain_ids is not None:  # the chains the user who started it may write
            gaps = [g for g in gaps if g.node.map.chain_id in set(chain_ids)]
        self.log(_("%(count)d gap nodes in %(chains)d chains") % {
            "count": len(gaps), "chains": len({g.node.map.chain_id for g in gaps})})
        self.progress(0, len(gaps))
        stats = refresh_many([g.node for g in gaps], top_k=top_k, progress=self.progress)
        stats["seconds"] = round(time.perf_counter() - started, 2)
        self.log(_("Saved %(recommendations)d recommendations for %(nodes)d nodes from a pool "
                   "of %(pool)d firms in %(seconds)s s.") % stats)
        return stats


@register_periodic("daily")
@register_runner
class LeadReminderJob(JobRunner):
    """E-mails owners their leads with missed service deadlines."""

    kind = "attraction.lead_reminders"
    name = gettext_lazy("Lead deadline reminders")
    result_labels = {"overdue": gettext_lazy("Overdue deadlines"),
                     "emails": gettext_lazy("Reminder e-mails sent"),
                     "emails_failed": gettext_lazy("Reminder e-mails that could not be sent")}

    def run(self) -> dict[str, int]:
        from .models import Lead
        from .services.deadlines import send_reminders

        stats = send_reminders(Lead.objects.all())
        self.log(_("%(overdue)d overdue deadline(s); %(emails)d reminder e-mail(s) sent.")
                 % stats)
        if stats["emails_failed"]:
            self.log(_("%(emails_failed)d reminder e-mail(s) could not be sent: check the "
                       "mail server settings.") % stats)
        return stats


def start_batch(user: Any, chain: Chain | None = None, top_k: int = 20,
                chain_ids: list[int] | None = None) -> Any:
    """Enqueue the batch job for one chain, for `chain_ids`, or (neither) for all chains."""
    scope = chain or (_("%(count)d chains") % {"count": len(chain_ids)} if chain_ids is not None
                      else _("all chains"))
    return RecommendationBatchJob.enqueue(
        user, name=_("Recommendations: %(scope)s") % {"scope": scope},
        chain_id=chain.pk if chain else None, top_k=top_k, chain_ids=chain_ids)
