from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render

from fazhi.core.current import current_unit
from fazhi.core.routes import serves

from .models import InspectionTask
from .rules import verify


@serves(InspectionTask)
@login_required
def verify_task(request, pk):
    """Re-run the task's draw and show, line by line, whether everything is identical."""
    task = get_object_or_404(InspectionTask.objects.visible_to(request.user, within=current_unit(request)), pk=pk)
    report, problem = None, None
    try:
        report = verify(task)
    except ValidationError as error:
        problem = "；".join(error.messages)
    return render(
        request,
        "inspections/verify.html",
        {
            "task": task,
            "report": report,
            "problem": problem,
            "active_area": "inspections",
        },
    )
