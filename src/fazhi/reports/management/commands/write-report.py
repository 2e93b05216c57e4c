from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fazhi.metrics.registry import Period
from fazhi.metrics.store import compute_period
from fazhi.org.models import Unit
from fazhi.reports.models import AnnualReport
from fazhi.reports.render import render


class Command(BaseCommand):
    help = "生成单位的法治政府建设年度报告（.docx、.html 或 .pdf），数据取自台账计算的指标"

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="单位编码")
        parser.add_argument("--year", type=int, required=True, help="报告年度")
        parser.add_argument("--out", required=True, help="输出文件，扩展名决定格式：.docx / .html / .pdf")
        parser.add_argument("--no-compute", action="store_true", help="不重新由台账计算指标")

    def handle(self, *args, unit, year, out, no_compute, **options):
        target = Path(out)
        fmt = target.suffix.lstrip(".").lower()
        if fmt not in ("docx", "html", "pdf"):
            raise CommandError("输出文件的扩展名应为 .docx、.html 或 .pdf")
        try:
            owner = Unit.objects.get(code=unit)
        except Unit.DoesNotExist:
            raise CommandError(f"单位编码“{unit}”不存在") from None
        if not no_compute:
            compute_period(Period.year(year))
        report = AnnualReport.objects.filter(unit=owner, year=year).first() or AnnualReport.objects.create(
            unit=owner, year=year
        )
        body = render(report, fmt)
        if body is None:
            raise CommandError("本机未安装 LibreOffice，无法生成 PDF；请改为输出 .docx")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        self.stdout.write(
            self.style.SUCCESS(f"已生成：{target}（{report.display_title}，公开截止 {report.due_on:%Y-%m-%d}）")
        )
