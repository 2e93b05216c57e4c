"""Jobs of the daily loop, run by the task queue's worker (declared in fazhi.jobs.schedule)."""

from django_tasks import task

from .scan import nightly


@task()
def nightly_scan() -> dict:
    result = nightly()
    return {
        "day": result.day.isoformat(),
        "rows": result.rows,
        "notices": result.notices,
        "yellow_cards": result.yellow_cards,
        "red_cards": result.red_cards,
        "digests": result.digests,
    }
