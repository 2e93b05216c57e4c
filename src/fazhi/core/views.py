"""Generic ledger views: list, detail, create, edit, delete to the recycle bin, restore, export.

Every view reaches rows through `LedgerViewMixin.get_queryset`, which goes through the scope layer.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from fazhi.org.history import Kept
from fazhi.org.scope import can_write, scope_of
from fazhi.privacy.masking import is_masked_field, may_see_personal, personal_fields
from fazhi.privacy.models import Reveal

from . import cells
from .current import current_unit, scope_units
from .excel import display_value, export_response, field_value
from .forms import choices_are_units, filter_cells, ledger_filterset_class, ledger_form_class
from .models import ImportJob
from .pagination import PAGE_SIZES, keyset_page, last_page, page_number, page_size, page_window
from .provisional import deadline_fields, marked
from .replica import reads_from_replica

PAGE_SIZE = 50


def back_to(request, default: str) -> str:
    """Where to go after a form: the page that sent it (`next`, a path on this site), else `default`."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


class LedgerViewMixin(LoginRequiredMixin):
    ledger = None  # set by as_view(ledger=...)
    include_deleted = False

    def get_queryset(self):
        model = self.ledger.model
        manager = model.all_objects if self.include_deleted else model.objects
        self.within = current_unit(self.request)
        qs = manager.visible_to(self.request.user, within=self.within)
        return qs.select_related(*self.ledger.select_related)

    def get_object(self, pk):
        return get_object_or_404(self.get_queryset(), pk=pk)

    def require_write(self):
        if not can_write(self.request.user):
            raise PermissionDenied("您的角色为只读，不能修改台账")

    def base_context(self, **extra):
        return {"ledger": self.ledger, "can_write": can_write(self.request.user), **extra}


class FilteredListMixin(LedgerViewMixin):
    def filtered(self):
        qs = self.get_queryset()
        if self.include_deleted:
            qs = qs.deleted()
        filterset = ledger_filterset_class(self.ledger)(self.request.GET or None, queryset=qs, request=self.request)
        qs = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
        return filterset, self.searched(qs)

    def searched(self, qs):
        term = self.request.GET.get("q", "").strip()
        if term and self.ledger.search_fields:
            query = Q()
            for name in self.ledger.search_fields:
                query |= Q(**{f"{name}__icontains": term})
            qs = qs.filter(query)
        return qs


LIST_PARTS_MAX = 100  # units a list reads one by one and merges; beyond, one query over the sort field's index


@functools.cache
def _has_unit_sort_index(model, lookup: str, name: str) -> bool:
    return any([field.lstrip("-") for field in index.fields[:2]] == [lookup, name] for index in model._meta.indexes)


def unit_parts(request, qs, within, sort: str) -> tuple[str, list[int]] | None:
    """The units of the rows a list shows, to read its page unit by unit (pagination.ordered_slice): where the
    user sees several units' rows, not the whole city's, and the ledger has an index on (unit, sort field)."""
    name = sort.lstrip("-")
    lookup = getattr(qs, "unit_lookup", None)
    if lookup is None or not _has_unit_sort_index(qs.model, lookup, name):
        return None
    scope = scope_of(request.user)
    if scope.everything and within is None:
        return None
    # As visible_to narrows: to the chosen unit's subtree, unless it is the user's own unit (and its predecessors).
    narrow = within is not None and within.pk != scope.own_unit_id
    ids = [pk for pk, *_, path in scope_units(request) if not narrow or path.startswith(within.path)]
    return (lookup, ids) if 1 < len(ids) <= LIST_PARTS_MAX else None


PAGE_PARAMETERS = frozenset({"after", "before", "page"})  # where a page is in the list, not what it lists
# Filter forms kept rendered per process, the least recently used dropped first; keyed by all they follow from.
_filter_cells = Kept(entries=1024, seconds=None)


def list_cells(ledger, rows) -> list[tuple[object, list[cells.Cell]]]:
    """The list's cells: statuses as coloured tags, overdue deadlines in red, long text cut short (tooltip)."""
    pending = cells.pending_by_due_field(ledger, rows)
    today = timezone.localdate()
    columns = []  # what a column needs to know about its field, worked out once per page rather than per cell
    personal = personal_fields(ledger.model)
    for name in ledger.columns:
        field = ledger.model._meta.get_field(name)
        columns.append(
            (
                field,
                name,
                cells.cell_kind(field),
                name in cells.STATUS_FIELDS and bool(field.choices),
                name in pending,
                name in deadline_fields(ledger.model),
                {key: force_str(label, strings_only=True) for key, label in field.flatchoices}
                if field.choices
                else None,
                name in personal,
            )
        )
    tags = {}  # a page shows few statuses, each on many rows
    shown = []
    for obj in rows:
        line = []
        for field, name, kind, is_status, watched, is_deadline, labels, masked in columns:
            raw = getattr(obj, name)
            if field.is_relation:
                value = str(raw) if raw is not None else ""
            elif labels is not None:  # as excel.field_value: the choice's label
                value = labels[raw] if raw in labels else force_str(raw, strings_only=True)
            elif masked or isinstance(raw, (bool, dt.datetime)):
                value = field_value(field, raw)
            else:
                value = raw  # as excel.field_value leaves it: no choice, 是/否, time or personal data
            title = ""
            if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                value = value.isoformat()  # 2025-03-03: narrower than 2025年3月3日, and sorts as it reads
            if is_status:
                if (raw, value) not in tags:
                    tags[raw, value] = cells.status_tag(raw, value)
                value = tags[raw, value]
            elif watched and cells.is_overdue(obj, name, pending, today):
                value = cells.overdue_date(value)
            elif kind == "cell-text" and value not in (None, ""):
                title = str(value)
            if is_deadline:
                value = marked(obj, name, value)
            line.append(cells.Cell(value, kind, title))
        shown.append((obj, line))
    return shown


_list_fields: dict[str, tuple[str, ...]] = {}


def list_fields(ledger) -> tuple[str, ...]:
    """The fields a list page reads of its rows, for `QuerySet.only`: the columns, the sort fields (the cursor), what
    the duties test and the deadlines they watch; of a related row (a column's unit, item, …) what its `__str__`
    reads when its model says so (`label_fields`), else all of it. A page of 50 rows spares the rest."""
    if ledger.slug not in _list_fields:
        model = ledger.model
        names = {"id", "unit", "deleted_at", *ledger.columns, *ledger.sort_fields, ledger.default_sort.lstrip("-")}
        for duty in ledger.duties:
            names |= {duty.due_field, *condition_fields(duty.pending)}
        for path in ledger.select_related:  # a relation followed must itself be loaded, at every step
            parts = path.split("__")
            names |= {"__".join(parts[: i + 1]) for i in range(len(parts))}
        for path in ledger.select_related:
            related = model
            for part in path.split("__"):
                related = related._meta.get_field(part).related_model
            names |= {f"{path}__{name}" for name in getattr(related, "label_fields", ())}
        _list_fields[ledger.slug] = tuple(sorted(names))
    return _list_fields[ledger.slug]


def condition_fields(condition) -> set[str]:
    """The fields a Q object's lookups start from."""
    found = set()
    for child in condition.children:
        found |= condition_fields(child) if isinstance(child, Q) else {child[0].split("__")[0]}
    return found


def list_rows(ledger, rows) -> list[tuple[object, str]]:
    """(row, its `<tr>` HTML) of each listed row (`cells.row_html`), the first cell linking to its record."""
    detail = reverse(ledger.url_name("detail"), args=[0])
    prefix = detail[: -len("0/")] if detail.endswith("/0/") else None

    def url(pk):
        return f"{prefix}{pk}/" if prefix is not None else reverse(ledger.url_name("detail"), args=[pk])

    return [(obj, cells.row_html(url(obj.pk), line)) for obj, line in list_cells(ledger, rows)]


def numbered_links(number: int, last: int, capped: bool) -> list[int | None]:
    """The page numbers to link; past the counted rows (超过一万条) there is no last number, only 下一页."""
    if not capped:
        return page_window(number, last)
    window = page_window(min(number, last), last + 1)[:-1]
    return window if window[-1] is None else [*window, None]


class LedgerListView(FilteredListMixin, View):
    template_name = "core/ledger_list.html"

    def filtered(self):
        if self.filter_cells_kept() is not None and not self.filter_parameters():
            # Nothing to filter by (the list itself, or another page of it), and the filter form is kept rendered.
            qs = self.get_queryset()
            return None, self.searched(qs.deleted() if self.include_deleted else qs)
        return super().filtered()

    def filter_parameters(self) -> list[str]:
        """The request's parameters that a filter reads (a date range's as `<name>_min`, `<name>_max`)."""
        names = ledger_filterset_class(self.ledger).base_filters
        return [key for key in self.request.GET if key in names or key.rpartition("_")[0] in names]

    @functools.cached_property
    def filter_cells_key(self):
        """What the filter form's HTML follows from, when that is all (`forms.choices_are_units`): the ledger, the
        parameters (not the page's place), the units of the user's scope and the language of the messages."""
        if not choices_are_units(ledger_filterset_class(self.ledger)):
            return None
        params = tuple(sorted((k, tuple(v)) for k, v in self.request.GET.lists() if k not in PAGE_PARAMETERS))
        units = tuple(scope_units(self.request))
        return (self.ledger.slug, bool(self.request.GET), params, units, translation.get_language())

    def filter_cells_kept(self):
        key = self.filter_cells_key
        return _filter_cells.peek(key) if key is not None else None

    def filter_cells(self, filterset):
        """The filter form's cells (forms.filter_cells), kept per process by `filter_cells_key`."""
        if self.filter_cells_key is None:
            return filter_cells(filterset.form)
        return _filter_cells.get(self.filter_cells_key, lambda: filter_cells(filterset.form))

    def get(self, request):
        filterset, qs = self.filtered()
        sort = request.GET.get("sort", self.ledger.default_sort)
        if sort.lstrip("-") not in self.ledger.sort_fields:
            sort = self.ledger.default_sort
        size = page_size(request.GET.get("size"), PAGE_SIZE)
        number = page_number(request.GET.get("page"))
        after, before = request.GET.get("after"), request.GET.get("before")
        cursor = bool(after or before)
        # A number alone jumps (OFFSET, within the counted rows); with a cursor it only names the page shown.
        page = keyset_page(
            qs.only(*list_fields(self.ledger)),
            sort,
            after=after,
            before=before,
            size=size,
            offset=0 if cursor else (number - 1) * size,
            parts=unit_parts(request, qs, self.within, sort),
        )
        last = last_page(page.count, size)
        if not cursor and number > last and not page.count_capped:
            number = last
        params = request.GET.copy()
        for key in ("after", "before", "page"):
            params.pop(key, None)
        return render(
            request,
            self.template_name,
            self.base_context(
                filterset=filterset,
                filter_cells=self.filter_cells(filterset),
                page=page,
                rows=list_rows(self.ledger, page.rows),
                sort=sort,
                query=params.urlencode(),
                headers=[
                    (name, self.ledger.label(name), name in self.ledger.sort_fields, cells.cell_kind(field))
                    for name, field in ((n, self.ledger.model._meta.get_field(n)) for n in self.ledger.columns)
                ],
                recycle=self.include_deleted,
                page_number=number,
                page_numbers=numbered_links(number, last, page.count_capped),
                page_size=size,
                page_sizes=PAGE_SIZES,
                first_row=(number - 1) * size + 1 if page.rows else 0,
                last_row=(number - 1) * size + len(page.rows),
            ),
        )


class LedgerRecycleView(LedgerListView):
    include_deleted = True


class LedgerExportView(FilteredListMixin, View):
    @reads_from_replica()
    def get(self, request):
        _, qs = self.filtered()
        stamp = timezone.localtime().strftime("%Y%m%d%H%M")
        return export_response(
            self.ledger,
            qs.order_by(self.ledger.default_sort),
            f"{self.ledger.title}-{stamp}.xlsx",
            reveal=may_see_personal(request.user),
        )


@functools.cache
def _history_manager_class(manager_class, queryset_class):
    return manager_class.from_queryset(queryset_class)


def history_of(obj):
    """`obj.history`, without building its manager class anew on every access as simple-history's descriptor does
    (Python's `inspect` over the queryset's methods: a good part of a detail page's time)."""
    descriptor = inspect.getattr_static(type(obj), obj._meta.simple_history_manager_attribute)
    return _history_manager_class(descriptor.manager_class, descriptor.queryset_class)(descriptor.model, obj)


def history_change(field, old, new) -> tuple[str, object, object]:
    """One changed field of the change log as a clerk reads it: choice labels, 是/否, local times, not codes."""

    def shown(value):
        if value is None or value == "":
            return ""
        value = field_value(field, value)
        return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, dt.datetime) else value

    return str(field.verbose_name), shown(old), shown(new)


class LedgerDetailView(LedgerViewMixin, View):
    include_deleted = True

    def get(self, request, pk):
        return self.render_detail(request, self.get_object(pk))

    def render_detail(self, request, obj, revealed: str | None = None):
        can_reveal = may_see_personal(request.user)
        fields = []
        pending = cells.pending_by_due_field(self.ledger, [obj])
        for f in obj._meta.concrete_fields:
            if f.name in {"id", "deleted_by", "deletion_reason", "deleted_at"}:
                continue
            value = display_value(obj, f.name, reveal=f.name == revealed)
            if f.name in cells.STATUS_FIELDS and f.choices:
                value = cells.status_tag(getattr(obj, f.name), value)
            elif cells.is_overdue(obj, f.name, pending):
                value = cells.overdue_date(value)
            value = marked(obj, f.name, value)
            if can_reveal and f.name != revealed and is_masked_field(obj, f.name):
                value = reveal_button(request, self.ledger, obj, f.name, value)
            fields.append((f.verbose_name, value))
        history = []
        records = list(history_of(obj).select_related("history_user").order_by("-history_date", "-history_id")[:30])
        for record, previous in zip(records, records[1:] + [None]):
            changes = []
            if previous is not None:
                delta = record.diff_against(previous)
                changes = [history_change(obj._meta.get_field(c.field), c.old, c.new) for c in delta.changes]
            history.append({"record": record, "changes": changes})
        actions = [
            (action, action.form_for(obj))
            for action in self.ledger.actions
            if not obj.is_deleted and action.available(obj)
        ]
        related = obj.detail_sections() if hasattr(obj, "detail_sections") else []
        return render(
            request,
            "core/ledger_detail.html",
            self.base_context(obj=obj, fields=fields, history=history, actions=actions, related=related),
        )


def reveal_button(request, ledger, obj, name: str, masked_value):
    url = reverse(ledger.url_name("reveal"), args=[obj.pk, name])
    return format_html(
        '{} <form method="post" action="{}" class="d-inline reveal-form">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<button class="btn btn-link btn-sm p-0 align-baseline" title="查看完整信息（记录查看人和时间）">显示</button>'
        "</form>",
        masked_value,
        url,
        get_token(request),
    )


class LedgerRevealView(LedgerDetailView):
    """Show one masked personal value whole, once, to a role that handles the record; every reveal is logged."""

    http_method_names = ["post"]

    def post(self, request, pk, field):
        obj = self.get_object(pk)
        if not may_see_personal(request.user):
            raise PermissionDenied("您的角色不能查看完整的个人信息")
        if field not in personal_fields(type(obj)):
            raise Http404("该字段不是个人信息")
        Reveal.objects.create(
            user=request.user,
            model=obj._meta.label_lower,
            object_id=obj.pk,
            field=field,
            ip_address=request.META.get("REMOTE_ADDR"),
        )
        return self.render_detail(request, obj, revealed=field)


class LedgerActionView(LedgerViewMixin, View):
    def post(self, request, pk, action):
        self.require_write()
        obj = self.get_object(pk)
        step = self.ledger.action(action)
        if step is None:
            raise Http404("该操作不存在")
        # `available` only decides which buttons the page shows: the step itself checks the rule, so a page shown
        # before someone else acted gets the step's own refusal.
        form = step.form_for(obj, request.POST)
        if not form.is_valid():
            problems = []
            for name, errors in form.errors.items():
                label = f"{form.fields[name].label}：" if name in form.fields else ""
                problems.extend(f"{label}{error}" for error in errors)
            messages.error(request, f"{step.label}未执行：" + "；".join(problems))
        else:
            try:
                with transaction.atomic():
                    step.run(obj, form.cleaned_data, request.user)
            except ValidationError as error:
                messages.error(request, f"{step.label}未执行：" + "；".join(error.messages))
            else:
                messages.success(request, f"{step.label}：已完成")
        return redirect(back_to(request, reverse(self.ledger.url_name("detail"), args=[obj.pk])))


class LedgerFormView(LedgerViewMixin, View):
    def get_instance(self, pk):
        if pk is None:
            unit = current_unit(self.request) or getattr(self.request.user, "unit", None)
            return self.ledger.model(unit=unit) if unit else self.ledger.model()
        return self.get_object(pk)

    def form_class(self):
        return ledger_form_class(self.ledger, self.request.user)

    def get(self, request, pk=None):
        self.require_write()
        instance = self.get_instance(pk)
        form = self.form_class()(instance=instance)
        return render(request, "core/ledger_form.html", self.base_context(form=form, obj=instance if pk else None))

    def post(self, request, pk=None):
        self.require_write()
        instance = self.get_instance(pk)
        form = self.form_class()(request.POST, request.FILES, instance=instance)
        if form.is_valid():
            try:
                with transaction.atomic():
                    obj = form.save()
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, f"已保存：{obj}")
                return redirect(back_to(request, reverse(self.ledger.url_name("detail"), args=[obj.pk])))
        return render(
            request, "core/ledger_form.html", self.base_context(form=form, obj=instance if pk else None), status=400
        )


class LedgerDeleteView(LedgerViewMixin, View):
    def get(self, request, pk):
        self.require_write()
        return render(request, "core/ledger_delete.html", self.base_context(obj=self.get_object(pk)))

    def post(self, request, pk):
        self.require_write()
        obj = self.get_object(pk)
        try:
            obj.soft_delete(request.user, request.POST.get("reason", ""))
        except ValidationError as error:
            return render(
                request, "core/ledger_delete.html", self.base_context(obj=obj, errors=error.messages), status=400
            )
        messages.success(request, f"已移入回收站：{obj}（可在回收站恢复）")
        return redirect(reverse(self.ledger.url_name("list")))


class LedgerRestoreView(LedgerViewMixin, View):
    include_deleted = True

    def post(self, request, pk):
        self.require_write()
        obj = self.get_object(pk)
        try:
            obj.restore(request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, f"已恢复：{obj}")
        return redirect(reverse(self.ledger.url_name("detail"), args=[obj.pk]))


MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class LedgerImportView(LedgerViewMixin, View):
    def get(self, request):
        self.require_write()
        jobs = ImportJob.objects.visible_to(request.user).filter(ledger=self.ledger.slug)[:10]
        return render(request, "core/ledger_import.html", self.base_context(jobs=jobs, spec=self.ledger.importer))

    def post(self, request):
        self.require_write()
        upload = request.FILES.get("file")
        error = None
        if upload is None:
            error = "请选择要导入的 Excel 文件"
        elif not upload.name.lower().endswith(".xlsx"):
            error = "只能导入 .xlsx 格式的 Excel 文件（可先用 Excel 另存为 .xlsx）"
        elif upload.size > MAX_UPLOAD_BYTES:
            error = f"文件过大（最大 {MAX_UPLOAD_BYTES // 1024 // 1024} MB），请分批导入"
        if error:
            jobs = ImportJob.objects.visible_to(request.user).filter(ledger=self.ledger.slug)[:10]
            return render(
                request,
                "core/ledger_import.html",
                self.base_context(jobs=jobs, spec=self.ledger.importer, error=error),
                status=400,
            )
        from fazhi.jobs import files
        from fazhi.jobs.progress import enqueue

        from .tasks import import_excel

        job = ImportJob.objects.create(
            ledger=self.ledger.slug,
            user=request.user,
            filename=upload.name[:255],
            unit=current_unit(request) or request.user.unit,
            stored_file=files.save_upload(upload, "imports"),
        )
        job.task_id = enqueue(import_excel, job.pk, title=f"导入{self.ledger.title}：{job.filename}", user=request.user)
        ImportJob.objects.filter(pk=job.pk).update(task_id=job.task_id)
        return redirect(reverse("ledger:import-job", args=[job.pk]))


class LedgerTemplateView(LedgerViewMixin, View):
    def get(self, request):
        response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.ledger.importer.template().save(response)
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{self.ledger.slug}-template.xlsx"
        return response


class ImportJobView(LoginRequiredMixin, View):
    model = ImportJob

    def get(self, request, pk):
        from fazhi.jobs.models import Progress

        from .tasks import settle

        job = settle(get_object_or_404(ImportJob.objects.visible_to(request.user), pk=pk))
        progress = Progress.objects.filter(task_id=job.task_id).first() if job.task_id else None
        if request.headers.get("Accept") == "application/json" or request.GET.get("format") == "json":
            return JsonResponse(
                {
                    "status": job.status,
                    "status_display": job.get_status_display(),
                    "rows": progress.done if progress else 0,
                    "total": progress.total if progress else None,
                    "stage": progress.stage if progress else "",
                    "imported": job.rows_imported,
                    "summary": job.summary,
                }
            )
        from .ledgers import registry

        return render(
            request, "core/import_job.html", {"job": job, "progress": progress, "ledger": registry.get(job.ledger)}
        )


def ledger_urlpatterns(registry):
    from django.urls import path

    patterns = []
    for ledger in registry:
        base = f"{ledger.slug}/"
        kw = {"ledger": ledger}
        patterns += [
            path(base, LedgerListView.as_view(**kw), name=f"{ledger.slug}-list"),
            path(f"{base}recycle/", LedgerRecycleView.as_view(**kw), name=f"{ledger.slug}-recycle"),
            path(f"{base}export/", LedgerExportView.as_view(**kw), name=f"{ledger.slug}-export"),
            path(f"{base}add/", LedgerFormView.as_view(**kw), name=f"{ledger.slug}-add"),
            path(f"{base}<int:pk>/", LedgerDetailView.as_view(**kw), name=f"{ledger.slug}-detail"),
            path(f"{base}<int:pk>/edit/", LedgerFormView.as_view(**kw), name=f"{ledger.slug}-edit"),
            path(f"{base}<int:pk>/delete/", LedgerDeleteView.as_view(**kw), name=f"{ledger.slug}-delete"),
            path(f"{base}<int:pk>/restore/", LedgerRestoreView.as_view(**kw), name=f"{ledger.slug}-restore"),
        ]
        if ledger.actions:
            patterns.append(
                path(f"{base}<int:pk>/do/<slug:action>/", LedgerActionView.as_view(**kw), name=f"{ledger.slug}-action")
            )
        if personal_fields(ledger.model):
            patterns.append(
                path(
                    f"{base}<int:pk>/reveal/<slug:field>/",
                    LedgerRevealView.as_view(**kw),
                    name=f"{ledger.slug}-reveal",
                )
            )
        if ledger.importer is not None:
            patterns += [
                path(f"{base}import/", LedgerImportView.as_view(**kw), name=f"{ledger.slug}-import"),
                path(f"{base}import/template/", LedgerTemplateView.as_view(**kw), name=f"{ledger.slug}-template"),
            ]
    patterns.append(path("imports/<int:pk>/", ImportJobView.as_view(), name="import-job"))
    return patterns
