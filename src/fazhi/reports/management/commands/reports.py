"""`fazhi reports read FILE…`: read published annual reports back into catalogue metrics."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from fazhi.reports.reader.model import QUALIFIER_NAMES, SECTION_NAMES


class Command(BaseCommand):
    help = "法治政府建设年度报告：read 读取已公开的报告（.txt/.docx/.html/.pdf），提取结构、数字和指标"
    requires_system_checks = []  # reading needs no database

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, title="操作")
        read = actions.add_parser("read", help="读取报告，输出指标数据（JSON 或 Excel）")
        read.add_argument("files", nargs="+", metavar="FILE", help="报告文件或包含报告的文件夹")
        read.add_argument(
            "--json", action="store_true", help="每份报告输出一行 JSON（键与 gold.jsonl 相同，另有补充键）"
        )
        read.add_argument("--xlsx", metavar="OUT", help="输出 Excel 文件")
        read.add_argument("--year", type=int, help="报告年度（不填则从标题识别）")
        read.add_argument("--no-similarity", action="store_true", help="不计算报告之间的套话比例和相似度")
        read.add_argument("--no-unmapped", action="store_true", help="JSON 中不列出未映射的数字")
        read.add_argument(
            "--import-to", metavar="UNIT", help="把本级合计数据作为“报告”来源的观测值导入该单位（单位编码）"
        )

        ev = actions.add_parser(
            "eval",
            help="用标注文件（gold.jsonl）衡量读取结果：精确率、召回率、F1（总体、分领域、分层级）、必备内容和错漏清单",
        )
        ev.add_argument("gold", metavar="GOLD.jsonl", help="标注文件：每行一份报告（键与 read --json 的输出相同）")
        ev.add_argument("files", nargs="+", metavar="FILE", help="报告文件或包含报告的文件夹（按文件名对应标注）")
        ev.add_argument(
            "--split",
            choices=["develop", "measure"],
            help="只评估开发语料的一部分（develop：调试用的三分之二；measure：只用于测量的三分之一）",
        )
        ev.add_argument(
            "--own-only",
            action="store_true",
            help="只比较本单位本年度的数据（范围为“本级合计”的事实；指标目录的比较口径）",
        )
        ev.add_argument("--json", action="store_true", help="输出完整结果（JSON）")
        ev.add_argument("--no-errors", action="store_true", help="不列出错漏清单")

    def handle(self, *args, action, **options):
        if action == "read":
            return self.read(**options)
        if action == "eval":
            return self.eval(**options)
        raise CommandError(f"未知操作：{action}")

    def read(
        self, files, json=False, xlsx=None, year=None, no_similarity=False, no_unmapped=False, import_to=None, **_
    ):
        from fazhi.reports.reader import ReaderError, expand, read_file
        from fazhi.reports.reader.export import json_lines, write_xlsx

        paths = expand(files)
        if not paths:
            raise CommandError("没有找到可读取的报告文件（.txt、.docx、.html、.pdf）")
        readings, failed = [], []
        for path in paths:
            try:
                readings.append(read_file(path, year=year))
            except ReaderError as exc:
                failed.append(path)
                self.stderr.write(f"无法读取：{exc}")
        pairs = None
        if readings and not no_similarity and len(readings) > 1:
            from fazhi.reports.reader.similarity import annotate

            pairs = annotate(readings).pairs
        if json:
            for line in json_lines(readings, unmapped=not no_unmapped):
                self.stdout.write(line)
        if xlsx:
            write_xlsx(readings, xlsx, pairs)
            self.stderr.write(f"已写入 Excel：{xlsx}（{len(readings)} 份报告）")
        if not json and not xlsx:
            for reading in readings:
                self._summary(reading)
        if import_to:
            self._import(readings, import_to)
        if failed:
            raise CommandError(f"{len(failed)} 个文件无法读取")

    def eval(self, gold, files, split=None, json=False, no_errors=False, own_only=False, **_):
        import json as jsonlib

        from fazhi.reports.reader.evaluate import load_gold, render, run, select

        try:
            lines = select(load_gold(gold), split)
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取标注文件：{exc}") from None
        if not lines:
            raise CommandError("标注文件中没有可评估的报告" + (f"（--split {split}）" if split else ""))
        try:
            result = run(lines, files, own_only=own_only)
        except FileNotFoundError as exc:
            raise CommandError(f"标注文件中的报告没有找到：{exc}") from None
        if json:
            self.stdout.write(jsonlib.dumps(result, ensure_ascii=False, indent=1, default=list))
            return
        for line in render(result, errors=not no_errors):
            self.stdout.write(line)

    def _summary(self, r):
        from fazhi.metrics.catalogue import catalogue

        metrics = catalogue().metrics
        out = self.stdout
        out.write(f"== {r.file}：{r.title}")
        out.write(
            f"   地区 {r.region or '未识别'}（{r.level or '层级未识别'}），"
            f"单位 {r.unit or '未识别'}，年度 {r.year or '未识别'}"
        )
        missing = "、".join(SECTION_NAMES[k] for k in r.missing_sections) or "无"
        out.write(f"   必备内容缺少：{missing}")
        if r.boilerplate is not None:
            out.write(
                f"   套话比例 {r.boilerplate:.0%}"
                + (f"，最相似：{r.similar[0]['file']}（{r.similar[0]['similarity']:.0%}）" if r.similar else "")
            )
        out.write(f"   指标数据 {len(r.facts)} 条，未映射数字 {len(r.unmapped)} 个")
        for f in r.facts:
            qualifier = QUALIFIER_NAMES.get(f.qualifier, f.qualifier or "")
            name = metrics[f.metric].name
            scope = {"self": "", "sub": "（其中部分）", "other": "（其他主体）"}.get(f.scope, "")
            kind = metrics[f.metric].kind
            value = (
                f"{f.value * 100:g}%" if kind == "rate" else f"{f.value:g}万元" if kind == "amount" else f"{f.value:g}"
            )
            out.write(f"   - {name} = {value}{(' ' + qualifier) if qualifier else ''}{scope}：{f.quote[:60]}")
        if r.unmapped:
            shown = "；".join(o["text"] for o in r.other_figures[:12])
            more = f"（另有 {len(r.unmapped) - 12} 个）" if len(r.unmapped) > 12 else ""
            out.write(f"   目录外数字：{shown}{more}")

    def _import(self, readings, code):
        from fazhi.metrics.registry import Period
        from fazhi.metrics.store import import_report_facts
        from fazhi.org.models import Unit

        try:
            unit = Unit.objects.get(code=code)
        except Unit.DoesNotExist:
            raise CommandError(f"单位编码“{code}”不存在") from None
        for reading in readings:
            if reading.year is None:
                raise CommandError(f"{reading.file}：未识别报告年度，请用 --year 指定")
            # A figure of another year stated for comparison ("2018年…") is not this year's value.
            facts = [f.as_gold() for f in reading.facts if f.year in (None, reading.year)]
            batch = import_report_facts(unit, Period.year(reading.year), facts, note=f"{reading.file}：{reading.title}")
            count = batch.observations.count()
            self.stderr.write(f"已导入 {reading.file} 的 {count} 项数据到 {unit.name}（{reading.year}年）")
