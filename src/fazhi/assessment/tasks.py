"""The city-wide assessment as a background task (the CLI `fazhi assess` still runs it in the foreground)."""

from django.urls import reverse

from fazhi.jobs.progress import job

from .scoring import run_assessment


def outcome(run) -> str:
    scheme = (
        f"按{run.scheme}（{run.framework_name}）" if run.scheme_id else "该年度没有发布的考核方案，按内置默认指标体系"
    )
    return f"{run}已完成：{scheme}计分"


@job()
def assess(reporter, year: int, user_id: int | None = None) -> dict:
    from fazhi.org.models import User

    user = User.objects.filter(pk=user_id).first() if user_id else None
    reporter(stage="正在计算指标并计分")
    run = run_assessment(year, user)
    reporter.result(message=outcome(run), url=reverse("assessment:run", args=[run.pk]))
    return {"run": run.pk}
