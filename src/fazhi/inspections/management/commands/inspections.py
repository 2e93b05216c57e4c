"""`fazhi inspections verify TASK [--run N]`: re-run a recorded draw and say whether it is identical."""

from django.core.management.base import BaseCommand, CommandError

from fazhi.inspections.models import InspectionTask
from fazhi.inspections.rules import verify


class Command(BaseCommand):
    help = "“双随机、一公开”抽取复核：verify 按记录的种子和输入重新抽取，报告结果是否一致"

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True, title="子命令")
        check = commands.add_parser("verify", help="重新抽取并与记录比对")
        check.add_argument("task", help="抽查任务编号（或数据库ID）")
        check.add_argument("--run", type=int, help="第几次抽取（默认为当前有效的一次）")

    def handle(self, *args, subcommand, task, run=None, **options):
        found = InspectionTask.objects.filter(code=task).first()
        if found is None and task.isdigit():
            found = InspectionTask.objects.filter(pk=int(task)).first()
        if found is None:
            raise CommandError(f"没有编号为“{task}”的抽查任务")
        chosen = None
        if run is not None:
            chosen = found.runs.filter(number=run).first()
            if chosen is None:
                raise CommandError(f"任务 {found.code} 没有第{run}次抽取")
        try:
            report = verify(found, chosen)
        except Exception as error:  # a refusal (not drawn yet) reads as a command error
            if hasattr(error, "messages"):
                raise CommandError("；".join(error.messages)) from None
            raise
        for line in report.lines:
            self.stdout.write(line)
        if report.identical:
            self.stdout.write(self.style.SUCCESS("IDENTICAL"))
        else:
            self.stdout.write(self.style.ERROR("DIFFERENT"))
            raise CommandError("抽取结果复核不一致", returncode=2)
