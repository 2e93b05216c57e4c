import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from fazhi.todo.scan import nightly, scan


class Command(BaseCommand):
    help = "期限扫描：发放电子监察红黄牌，向经办人发送到期、逾期提醒，并发送每日待办邮件（可重复运行，不会重复发送）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天扫描（YYYY-MM-DD，默认今天）")
        parser.add_argument("--no-mail", action="store_true", help="只扫描和发站内消息，不发邮件")

    def handle(self, *args, date=None, no_mail=False, **options):
        try:
            day = dt.date.fromisoformat(date) if date else None
        except ValueError as error:
            raise CommandError(f"日期格式应为YYYY-MM-DD：{date}") from error
        result = scan(day) if no_mail else nightly(day)
        self.stdout.write(
            f"{result.day}：扫描{result.rows}条记录，新消息{result.notices}条，"
            f"黄牌{result.yellow_cards}张，红牌{result.red_cards}张，邮件{result.digests}封"
        )
