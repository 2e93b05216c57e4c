from django.core.management.base import BaseCommand, CommandError

from fazhi.demo.generator import DEMO_PASSWORD, DemoBuilder
from fazhi.org.models import Unit


class Command(BaseCommand):
    help = "生成演示城市“云川市”（虚构）的单位、用户和台账数据"

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=0.05, help="台账数据规模，1 表示一百万件办件（默认 0.05）")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子，相同种子生成相同数据")
        parser.add_argument("--if-empty", action="store_true", help="数据库已有单位时跳过")

    def handle(self, *args, scale, seed, if_empty, **options):
        if Unit.objects.exists():
            if if_empty:
                self.stdout.write("数据库已有数据，跳过演示数据生成。")
                return
            raise CommandError("数据库中已有单位数据；演示数据只能生成到空数据库。")
        DemoBuilder(seed=seed, scale=scale, log=lambda msg: self.stdout.write(msg)).build()
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已生成。登录账号（密码均为 {DEMO_PASSWORD}）：admin 系统管理员；fzb 法治办；"
                "county_admin 单位管理员；clerk 经办人；leader 领导"
            )
        )
