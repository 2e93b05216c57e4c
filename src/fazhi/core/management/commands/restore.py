from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from fazhi.org.models import Unit


class Command(BaseCommand):
    help = "从 backup 生成的文件恢复整个数据库（替换现有数据；失败时不做任何改动）"

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件路径（*.jsonl.gz）")
        parser.add_argument("--replace", action="store_true", help="数据库已有数据时，确认用备份替换全部数据")

    def handle(self, *args, path, replace, **options):
        source = Path(path)
        if not source.exists():
            raise CommandError(f"找不到备份文件：{source}")
        call_command("migrate", interactive=False, verbosity=0)
        if Unit.objects.exists() and not replace:
            raise CommandError("数据库中已有数据。如确认用备份替换全部数据，请加 --replace 参数。")
        with transaction.atomic():
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(source), verbosity=0)
        self.stdout.write(self.style.SUCCESS(f"已从 {source} 恢复数据库"))
