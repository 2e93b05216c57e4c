import sys
import time

from django.core.management.base import BaseCommand, CommandError

from fazhi.core.importing import ImportRefused, run_import
from fazhi.core.ledgers import registry
from fazhi.org.models import User


class Command(BaseCommand):
    help = "从 Excel 文件导入台账（全部校验通过才导入，任何一行有错误则不导入任何数据）"

    def add_arguments(self, parser):
        choices = [ledger.slug for ledger in registry if ledger.importer]
        parser.add_argument("ledger", choices=choices, help="台账：" + "、".join(choices))
        parser.add_argument("path", help=".xlsx 文件")
        parser.add_argument("--user", required=True, help="以该用户的身份和数据范围导入")

    def handle(self, *args, ledger, path, user, **options):
        spec = registry.get(ledger).importer
        try:
            account = User.objects.get(username=user)
        except User.DoesNotExist:
            raise CommandError(f"用户“{user}”不存在") from None
        started = time.perf_counter()

        verbose = options["verbosity"] >= 2

        def progress(rows):
            if verbose or sys.stderr.isatty():
                sys.stderr.write(f"已检查 {rows} 行…\n" if verbose else f"\r已检查 {rows} 行…")
                sys.stderr.flush()

        try:
            result = run_import(spec, path, account, progress=progress)
        except ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError(refused.summary) from None
        self.stdout.write(
            self.style.SUCCESS(f"\n导入成功：{result.rows} 行，用时 {time.perf_counter() - started:.1f} 秒")
        )
