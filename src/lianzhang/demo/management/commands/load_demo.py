"""`lianzhang load_demo`: load the deterministic demo city (idempotent)."""

from django.core.management.base import BaseCommand, CommandError

from lianzhang.demo.loader import DEMO_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    """Load or refresh the demo city and print the demo logins."""

    help = "Load the demo city (Jiaozhou, Qingdao chains, demo users). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2024, help="Random seed (default 2024).")
        parser.add_argument("--enterprises", type=int, default=600,
                            help="Number of synthetic firms (scale; default 600).")

    def handle(self, *args, seed: int, enterprises: int, **options):
        try:
            summary = load_demo(seed=seed, enterprises=enterprises)
        except ValueError as exc:  # a bad scale: say so instead of a traceback
            raise CommandError(str(exc)) from exc
        created = ", ".join(f"{k} +{v}" for k, v in summary.created.items())
        self.stdout.write(f"演示数据已就绪 ({created})")
        names = "、".join(u[0] for u in DEMO_USERS)
        self.stdout.write(f"演示账号：{names}；密码均为 {DEMO_PASSWORD}（如 admin / {DEMO_PASSWORD}）")
