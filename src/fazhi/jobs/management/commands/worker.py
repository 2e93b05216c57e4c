"""`fazhi worker`: run background and scheduled tasks (django-tasks-db's worker, with heartbeat, reaper, scheduler)."""

import logging
import os

from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from fazhi.jobs.worker import Heart, host_name, housekeeping, register, unregister


class Command(BaseCommand):
    help = (
        "运行后台任务工作进程：执行排队的任务（Excel 导入、考核、报告生成等），按计划安排定时任务，"
        "并把工作进程已中断的任务标为失败后重新排队。可同时运行多个。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="default", help="处理的队列，逗号分隔，* 表示全部（默认 default）")
        parser.add_argument("--interval", type=float, default=1.0, help="队列为空时每隔几秒查看一次（默认 1）")
        parser.add_argument("--batch", action="store_true", help="执行完当前排队的全部任务后退出（适合 cron）")
        parser.add_argument("--once", action="store_true", help="至多执行一个任务后退出")
        parser.add_argument("--max-tasks", type=int, default=None, help="执行这么多个任务后退出")
        parser.add_argument("--worker-id", default="", help="工作进程标识（默认：主机名-进程号-随机串）")
        parser.add_argument("--no-scheduler", action="store_true", help="不安排定时任务（只执行排队的任务）")

    def handle(self, *, queue_name, interval, batch, once, max_tasks, worker_id, no_scheduler, verbosity, **_):
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        if not isinstance(backend, DatabaseBackend):
            raise CommandError("当前为立即执行模式（FAZHI_TASKS_IMMEDIATE=1），任务在发起时直接执行，不需要工作进程")
        if max_tasks is not None and max_tasks <= 0:
            raise CommandError("--max-tasks 必须大于 0")
        level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbosity, 2)]
        for name in ("django_tasks", "django_tasks_db", "fazhi.jobs"):
            logging.getLogger(name).setLevel(level)
        worker_id = (worker_id or f"{host_name()}-{os.getpid()}-{get_random_string(8)}")[:64]
        queues = queue_name.split(",")
        worker = Worker(
            queue_names=queues,
            interval=interval,
            batch=batch or once,
            backend_name=backend.alias,
            startup_delay=not (batch or once),
            max_tasks=1 if once else max_tasks,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        register(worker_id)
        housekeeping(scheduler=not no_scheduler)
        heart = Heart(worker_id, housekeeping=not (batch or once), scheduler=not no_scheduler)
        heart.start()
        if verbosity:
            self.stderr.write(f"后台任务工作进程 {worker_id} 已启动（队列：{queue_name}）")
        try:
            worker.configure_signals()
            worker.run()
        finally:
            worker.reset_signals()
            heart.stop()
            unregister(worker_id)
