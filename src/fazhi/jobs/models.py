"""What the task queue keeps beside django-tasks-db's own task rows (`django_tasks_db.DBTaskResult`).

- `WorkerBeat`: each `fazhi worker` process and when it last said it was alive (the reaper reads it);
- `Progress`: how far a task has got, what it is called and who started it, readable from every app server;
- `TaskFailure`: each attempt that did not finish (a worker lost mid-task, or a failure an operator retried);
- `ScheduleSlot`: one row per scheduled job and time slot, so that several workers enqueue a slot once.

Task rows are keyed by the task id (a UUID, as text) rather than by a foreign key: a task run by the immediate
backend has no row, and pruning old task rows should not cascade into this history.
"""

from django.conf import settings
from django.db import models


class WorkerBeat(models.Model):
    worker_id = models.CharField("工作进程", max_length=64, primary_key=True)
    host = models.CharField("主机", max_length=255)
    pid = models.PositiveIntegerField("进程号")
    started_at = models.DateTimeField("启动时间")
    beat_at = models.DateTimeField("最近心跳")

    class Meta:
        ordering = ["-beat_at"]
        verbose_name = verbose_name_plural = "工作进程"

    def __str__(self):
        return f"{self.host}:{self.pid}"


class Progress(models.Model):
    task_id = models.CharField("任务", max_length=64, primary_key=True)
    task_path = models.CharField("任务函数", max_length=255, blank=True)
    title = models.CharField("名称", max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="发起人"
    )
    done = models.PositiveIntegerField("已完成", default=0)
    total = models.PositiveIntegerField("总数", null=True, blank=True)
    stage = models.CharField("阶段", max_length=100, blank=True)
    # The outcome told to a person: the summary on success, the reason on failure.
    message = models.CharField("说明", max_length=1000, blank=True)
    # Where the result is shown (a page), or the file in default_storage the task wrote.
    result_url = models.CharField("结果页面", max_length=500, blank=True)
    result_file = models.CharField("结果文件", max_length=500, blank=True)
    # The outcome when the backend keeps no row of its own (the immediate backend); else the task row says.
    status = models.CharField("状态", max_length=16, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "任务进度"

    def __str__(self):
        return self.title or self.task_id


class TaskFailure(models.Model):
    task_id = models.CharField("任务", max_length=64, db_index=True)
    attempt = models.PositiveIntegerField("第几次执行")
    worker_id = models.CharField("工作进程", max_length=64, blank=True)
    reason = models.CharField("原因", max_length=1000)
    retried = models.BooleanField("已重新排队", default=False)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        ordering = ["at"]
        verbose_name = verbose_name_plural = "任务失败记录"

    def __str__(self):
        return f"{self.task_id} #{self.attempt}：{self.reason}"


class ScheduleSlot(models.Model):
    job = models.CharField("定时任务", max_length=100)
    slot = models.DateTimeField("计划时间")
    task_id = models.CharField("任务", max_length=64)
    created_at = models.DateTimeField("排队时间", auto_now_add=True)

    class Meta:
        ordering = ["-slot"]
        verbose_name = verbose_name_plural = "定时任务执行"
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="jobs_one_task_per_slot")]

    def __str__(self):
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M}"
