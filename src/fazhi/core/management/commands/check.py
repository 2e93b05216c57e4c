"""`fazhi check`: Django's system checks, then every ledger invariant over the stored rows."""

from collections import Counter

from django.core.management.base import CommandError
from django.core.management.commands.check import Command as SystemCheckCommand

from fazhi.core.invariants import load, violations


class Command(SystemCheckCommand):
    help = "系统检查，并逐条核对各台账的不变规则（如已办结办件的按时办结标志与日期一致），发现问题时以非零状态退出"

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--system-only", action="store_true", help="只做 Django 系统检查，不核对台账数据")
        parser.add_argument(
            "--invariant",
            action="append",
            dest="invariants",
            metavar="CODE",
            help="只核对指定的规则（可重复），如 services.on_time_matches_dates",
        )
        parser.add_argument("--limit", type=int, default=50, help="每条规则最多列出的违规记录数（默认 50）")
        parser.add_argument("--list", action="store_true", help="列出全部规则后退出")

    def handle(self, *app_labels, **options):
        if options["list"]:
            for code, found in sorted(load().items()):
                self.stdout.write(f"{code}\t{found.text}")
            return
        super().handle(*app_labels, **options)
        if options["system_only"] or app_labels or options["tags"] or options["deploy"]:
            return
        known = load()
        unknown = sorted(set(options["invariants"] or ()) - set(known))
        if unknown:
            raise CommandError("未知的规则：" + "、".join(unknown) + "（用 --list 查看全部）")
        counts = Counter()
        for violation in violations(options["invariants"], limit=options["limit"]):
            if not counts[violation.invariant.code]:
                self.stdout.write(f"✗ {violation.invariant.text}")
            counts[violation.invariant.code] += 1
            self.stdout.write(f"    {violation}")
        checked = len(options["invariants"] or known)
        if counts:
            raise CommandError(
                f"台账核对：{checked}条规则中有{len(counts)}条发现违规记录，共列出{sum(counts.values())}条"
            )
        self.stdout.write(f"台账核对：{checked}条规则全部通过")
