"""Every scheduled job, in one place. `fazhi worker` enqueues each one when its time comes (see scheduler.py).

`daily="HH:MM"` runs once a day at that time, Asia/Shanghai (settings.TIME_ZONE); `every=N` every N minutes.
A task is named by its dotted path and imported only when it is enqueued, so this file imports no app.
"""

from .scheduler import Scheduled

SCHEDULE: list[Scheduled] = [
    Scheduled("每日期限扫描与提醒摘要", "fazhi.todo.tasks.nightly_scan", daily="01:30"),
    Scheduled("创建今明两年的台账分区（PostgreSQL）", "fazhi.core.tasks.ensure_partitions", daily="02:30"),
    Scheduled("系统检查（台账不变规则）", "fazhi.core.tasks.check_database", daily="03:00"),
    Scheduled("清理过期的后台任务记录", "fazhi.jobs.tasks.prune", daily="04:00"),
]
