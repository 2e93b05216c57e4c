"""Fast inserts for imports: ledger rows and their "created" history rows, without per-field ORM overhead.

Django's bulk_create prepares every value of every row through the field API; for an import of a hundred
thousand rows that is most of the time spent. Here the preparation is chosen once per column (plain values
pass through as they are; dates, timestamps, decimals and JSON go through the field's own get_db_prep_save),
and the rows go out as multi-row INSERT … RETURNING id statements on SQLite (≥ 3.35), and through COPY on
PostgreSQL. For COPY a prepared value is turned into its text once: psycopg would otherwise convert the same
timestamp again on every row, which made up most of the time of writing a computed batch.
"""

from __future__ import annotations

from django.db import connection, models
from django.utils import timezone

NEEDS_PREP = (
    models.DateField,
    models.DecimalField,
    models.JSONField,
    models.UUIDField,
    models.DurationField,
)  # DateTimeField is a DateField
MAX_PARAMS = 30_000  # below SQLite's limit of 32,766 bound parameters per statement


def _copy_text(adapters):
    """A function giving a prepared value as the text COPY reads (values psycopg writes as they are pass through)."""
    from psycopg.adapt import PyFormat

    def text(value):
        if value is None or isinstance(value, (str, int, float)):
            return value
        dumper = adapters.get_dumper(type(value), PyFormat.TEXT)(type(value))
        return bytes(dumper.dump(value)).decode()

    return text


def _preparers(fields):
    """{column index: preparer} for the columns whose values need the field's preparation; the rest pass as they are."""
    if connection.vendor == "postgresql":
        connection.ensure_connection()
        finish = _copy_text(connection.connection.adapters)
    else:

        def finish(value):
            return value

    def via(field):
        # Imports and computed batches repeat the same dates over and over: prepare each distinct value once.
        cache = {}

        def prepare(value):
            try:
                return cache[value]
            except KeyError:
                cache[value] = prepared = finish(field.get_db_prep_save(value, connection))
                return prepared
            except TypeError:  # unhashable (a JSON document)
                return finish(field.get_db_prep_save(value, connection))

        return prepare

    return {index: via(f) for index, f in enumerate(fields) if isinstance(f, NEEDS_PREP)}


def _prepared(rows: list[list], prepare: dict) -> list[list]:
    """The rows with the needing columns prepared in place (rows are the caller's fresh lists)."""
    if prepare:
        for row in rows:
            for index, function in prepare.items():
                row[index] = function(row[index])
    return rows


def _columns(model):
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    return fields, _preparers(fields)


def _write(model, fields, prepare, rows: list[list], returning_ids: bool) -> list[int] | None:
    """Write rows of raw values (one per field, in order); the new ids in row order when asked for."""
    quote = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk
    columns = ", ".join(quote(f.column) for f in fields)
    ids = None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: ids are taken from the table's sequence first, then every row is streamed in one go.
            if returning_ids:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [table, pk.column, len(rows)],
                )
                ids = [new_id for (new_id,) in cursor.fetchall()]
                columns = f"{quote(pk.column)}, {columns}"
            with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
                for index, row in enumerate(_prepared(rows, prepare)):
                    copy.write_row([ids[index], *row] if ids is not None else row)
            return ids
        per_row = f"({', '.join(['%s'] * len(fields))})"
        rows_per_statement = max(1, MAX_PARAMS // len(fields))
        ids = [] if returning_ids else None
        for start in range(0, len(rows), rows_per_statement):
            chunk = rows[start : start + rows_per_statement]
            params = [value for row in _prepared(chunk, prepare) for value in row]
            sql = f"INSERT INTO {quote(table)} ({columns}) VALUES {', '.join([per_row] * len(chunk))}"
            if returning_ids:
                cursor.execute(sql + f" RETURNING {quote(pk.column)}", params)
                ids.extend(new_id for (new_id,) in cursor.fetchall())
            else:
                cursor.execute(sql, params)
    return ids


def insert(model, objs, *, returning_ids: bool = True) -> None:
    """INSERT the objects' concrete fields (all but the auto primary key); set their pk when asked to."""
    if not objs:
        return
    fields, prepare = _columns(model)
    attnames = [f.attname for f in fields]
    ids = _write(model, fields, prepare, [[getattr(obj, name) for name in attnames] for obj in objs], returning_ids)
    for obj, new_id in zip(objs, ids or ()):
        obj.pk = new_id
        obj._state.adding = False


def insert_values(model, columns: list[str], rows, common: dict | None = None) -> None:
    """INSERT rows of values for `columns` (attnames) without building model instances (computed batches of
    thousands of rows spend most of their time in Model.__init__ otherwise). `common`: values every row shares,
    prepared once; fields in neither take their default."""
    fields, prepare = _columns(model)
    position = {f.attname: index for index, f in enumerate(fields)}
    common = common or {}
    template = [common.get(f.attname, f.get_default()) for f in fields]
    for name in common:
        index = position[name]
        if index in prepare:
            template[index] = prepare[index](template[index])
    per_row = [position[name] for name in columns]
    rows_out = []
    for row in rows:
        values = template.copy()
        for index, value in zip(per_row, row):
            values[index] = value
        rows_out.append(values)
    if rows_out:
        _write(model, fields, {i: f for i, f in prepare.items() if fields[i].attname not in common}, rows_out, False)


def insert_with_history(model, objs, *, user=None, reason: str = "") -> None:
    """Insert ledger rows and, for each, the "+" history record django-simple-history would have written."""
    now = timezone.now()
    for obj in objs:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                setattr(obj, field.attname, now)
    insert(model, objs)
    history_model = model.history.model
    extra = {
        "history_date": now,
        "history_type": "+",
        "history_change_reason": reason or None,
        "history_user_id": user.pk if user is not None and user.pk else None,
    }
    copied = [f.attname for f in history_model._meta.concrete_fields if not f.attname.startswith("history_")]
    insert_values(history_model, copied, ([getattr(obj, name) for name in copied] for obj in objs), common=extra)
