import time

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from fazhi.assessment.framework import FrameworkError, load_framework
from fazhi.assessment.scoring import run_assessment


class Command(BaseCommand):
    help = "对全部被考核单位进行年度考核：由台账计算指标数据，按指标体系计分、排名、亮灯"

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, required=True, help="考核年度，如 2025")
        parser.add_argument(
            "--framework",
            help="指标体系 YAML 文件（默认：该年度发布的考核方案；没有发布的，使用内置的默认指标体系）",
        )
        parser.add_argument("--no-compute", action="store_true", help="不重新计算台账指标，使用已有的指标数据")

    def handle(self, *args, period, framework, no_compute, **options):
        loaded = None
        if framework:
            try:
                loaded = load_framework(framework)
            except (FrameworkError, OSError) as error:
                raise CommandError(f"指标体系文件有误：{error}") from None
        started = time.perf_counter()
        try:
            run = run_assessment(period, framework=loaded, compute=not no_compute)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        results = run.unit_results.select_related("unit").order_by("unit_type", "rank")
        lights = {light: results.filter(light=light).count() for light in ("green", "yellow", "red")}
        self.stdout.write(
            f"{run}：{results.count()} 个单位，绿灯 {lights['green']}、黄灯 {lights['yellow']}、红灯 {lights['red']}"
        )
        for result in results.filter(rank=1):
            self.stdout.write(f"  {result.unit_type} 第一名：{result.unit.name} {result.score:g}/{result.max_score:g}")
        self.stdout.write(
            self.style.SUCCESS(
                f"考核完成（编号 {run.pk}，输入摘要 {run.inputs_digest[:12]}，"
                f"用时 {time.perf_counter() - started:.1f} 秒）"
            )
        )
