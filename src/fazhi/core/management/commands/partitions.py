"""`fazhi partitions`: the year partitions of the ledgers on PostgreSQL (see fazhi.core.partitions)."""

from django.core.management.base import BaseCommand, CommandError

from fazhi.core import partitions


class Command(BaseCommand):
    help = "管理按年度分区的台账表（仅 PostgreSQL）：列出、创建、分离并归档、挂回年度分区"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{list,create,detach,attach}")
        actions.add_parser("list", help="列出各分区表的分区、估计行数和大小，以及已分离仍在库中的年度")
        create = actions.add_parser("create", help="创建年度分区（默认为今年和明年；定时任务每天执行）")
        create.add_argument("years", nargs="*", type=int, metavar="YEAR")
        detach = actions.add_parser("detach", help="将一个年度的分区从各分区表分离（可先归档）")
        detach.add_argument("year", type=int)
        detach.add_argument("--archive", metavar="FILE", help="分离前先把该年度的数据写入此文件（zip）")
        detach.add_argument("--drop", action="store_true", help="归档并分离后删除这些表（须同时指定 --archive）")
        attach = actions.add_parser("attach", help="把已分离的年度分区挂回（或先从归档文件恢复）")
        attach.add_argument("year", type=int)
        attach.add_argument("--archive", metavar="FILE", help="从 detach --archive 写出的文件恢复该年度")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except partitions.PartitionError as error:
            raise CommandError(str(error)) from None

    def _list(self, **options):
        for info in partitions.overview():
            rows = "—" if info.rows is None else f"约 {info.rows}"
            self.stdout.write(f"{info.table}\t{info.name}\t{info.bounds}\t{rows} 行\t{info.bytes / 2**20:.1f} MB")

    def _create(self, years, **options):
        partitions.require_postgresql()
        created = partitions.ensure(years or None)
        self.stdout.write("已创建：" + "、".join(created) if created else "所需分区均已存在")

    def _detach(self, year, archive, drop, **options):
        done = partitions.detach(year, archive=archive, drop=drop)
        if done.archive:
            self.stdout.write(f"已归档到 {done.archive}")
        for name, rows in done.partitions.items():
            fate = "已删除" if done.dropped else "已分离，仍作为单独的表保留在数据库中"
            self.stdout.write(f"{name}：{rows} 行，{fate}")
        for table, rows in done.pointing.items():
            self.stdout.write(self.style.WARNING(f"{table} 仍有 {rows} 行指向已分离的记录（其编号保留，不会重复使用）"))

    def _attach(self, year, archive, **options):
        for name, rows in partitions.attach(year, archive=archive).items():
            self.stdout.write(f"{name}：{rows} 行，已挂回")
