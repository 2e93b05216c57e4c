"""Migration operations of our own."""

from django.db import migrations


class AlterFieldIndex(migrations.AlterField):
    """AlterField for a change of `db_index` alone: drop or create the column's index and nothing else.

    Django's SQLite backend copies the whole table, with all its rows and indexes, for any altered field: for a
    ledger of a million rows, for what is one DROP INDEX.
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        old_model = from_state.apps.get_model(app_label, self.model_name)
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        old_field, field = old_model._meta.get_field(self.name), model._meta.get_field(self.name)
        if old_field.db_index and not field.db_index:
            meta_indexes = {index.name for index in model._meta.indexes}
            for name in schema_editor._constraint_names(
                model, [field.column], index=True, unique=False, primary_key=False, exclude=meta_indexes
            ):
                schema_editor.execute(schema_editor._delete_index_sql(model, name))
        elif field.db_index and not old_field.db_index:
            for statement in schema_editor._field_indexes_sql(model, field):
                schema_editor.execute(statement)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self.database_forwards(app_label, schema_editor, from_state, to_state)


class PartitionByYear(migrations.operations.base.Operation):
    """Rebuild a model's table, on PostgreSQL, as one range-partitioned by the year of a date or timestamp field
    (see fazhi.core.partitions); reversed, the plain table again. Other databases, and Django's model state, are
    left as they are: the model keeps `id` as its primary key and its unique fields, which the key table and its
    triggers enforce.

    A later migration that alters the table's primary key, a unique field or a foreign key that points at it
    must be written by hand for PostgreSQL: Django's own operations would look for constraints this one moved.
    """

    reversible = True

    def __init__(self, model_name: str, field_name: str):
        self.model_name = model_name
        self.field_name = field_name

    def deconstruct(self):
        return self.__class__.__name__, [], {"model_name": self.model_name, "field_name": self.field_name}

    def state_forwards(self, app_label, state):
        pass

    def _model(self, app_label, schema_editor, state):
        model = state.apps.get_model(app_label, self.model_name)
        if schema_editor.connection.vendor != "postgresql":
            return None
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return None
        return model

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        from .partitions import partition_table

        if model := self._model(app_label, schema_editor, to_state):
            partition_table(schema_editor, model._meta.db_table, model._meta.get_field(self.field_name).column)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        from .partitions import unpartition_table

        if model := self._model(app_label, schema_editor, to_state):
            unpartition_table(schema_editor, model._meta.db_table)

    def describe(self):
        return f"Partition {self.model_name} by the year of {self.field_name} (PostgreSQL)"

    @property
    def migration_name_fragment(self):
        return f"partition_{self.model_name.lower()}"
