import os
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction

# Derived tables are left out: restoring the ledgers rebuilds them (the per-day 办件, 好差评 and card totals are kept
# by triggers as the rows are loaded).
EXCLUDED = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "services.applicationday",
    "services.ratingday",
    "services.supervisioncardday",
]


class Command(BaseCommand):
    help = "将整个数据库备份为一个文件（gzip 压缩的 JSON Lines），在一个一致的快照中读取"

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件路径，如 fazhi-20260101.jsonl.gz")

    def handle(self, *args, path, **options):
        target = Path(path)
        if not target.name.endswith(".jsonl.gz"):
            target = target.with_name(target.name + ".jsonl.gz")
        # Write beside the target and rename at the end: a backup file that exists is a complete one.
        handle, partial = tempfile.mkstemp(dir=target.parent or ".", suffix=".jsonl.gz")
        os.close(handle)
        try:
            with transaction.atomic():
                if connection.vendor == "postgresql":
                    # One snapshot for every table, however long the dump takes and whatever is written meanwhile.
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                call_command(
                    # use_base_manager: rows in the recycle bin are part of the ledger.
                    "dumpdata",
                    format="jsonl",
                    natural_foreign=True,
                    use_base_manager=True,
                    exclude=EXCLUDED,
                    output=partial,
                    verbosity=0,
                )
            os.replace(partial, target)
        finally:
            if os.path.exists(partial):
                os.remove(partial)
        self.stdout.write(self.style.SUCCESS(f"备份完成：{target}（{target.stat().st_size / 1024:.0f} KB）"))
