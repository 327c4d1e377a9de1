"""`lianzhang load_demo`: load the deterministic demo city (idempotent)."""

from django.core.management.base import BaseCommand

from lianzhang.demo.loader import DEMO_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    """Load or refresh the demo city and print the demo logins."""

    help = "Load the demo city (Jiaozhou, Qingdao chains, demo users). Safe to run twice."

    def handle(self, *args, **options):
        summary = load_demo()
        created = ", ".join(f"{k} +{v}" for k, v in summary.created.items())
        self.stdout.write(f"演示数据已就绪 ({created})")
        names = "、".join(u[0] for u in DEMO_USERS)
        self.stdout.write(f"演示账号：{names}；密码均为 {DEMO_PASSWORD}（如 admin / {DEMO_PASSWORD}）")
