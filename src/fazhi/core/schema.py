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
