"""Marks on views that tools reading the URL configuration rely on.

The data-scope walk of the test suite requests every named route with a row of another unit: a function view
taking a pk says with @serves(Model) which model that pk is of (class-based ledger views and API viewsets say it
through their ledger or queryset).
"""


def serves(model):
    """Mark a function view taking a pk with the model it serves."""

    def mark(view):
        view.model = model
        return view

    return mark
