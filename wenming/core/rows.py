"""`insert_row`: INSERT one model instance through a statement built once per model.

`Model.objects.create` compiles its INSERT on every call (a quarter of a millisecond for a
wide table). On the hot write paths — a problem report writes a problem, an event and an audit
entry — that compilation cost more than the database's work. The statement here is built from
the model's fields once per process and database vendor; values go through each field's own
`pre_save` and `get_db_prep_save`, as in Django's compiler, so stored values are identical.
"""

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import (
    BooleanField,
    CharField,
    FloatField,
    ForeignKey,
    IntegerField,
    TextField,
)

_STATEMENTS: dict[tuple[type, str], tuple[str, list]] = {}

# Fields whose preparation leaves a value of its own Python type unchanged (a str in a
# CharField, an int in an integer field or a foreign key's id …): for those the value is read
# straight from the instance. Anything else (dates, JSON, a value of another type) goes through
# the field's own `pre_save` and `get_db_prep_save`.
_PLAIN = {
    CharField: (str,),
    TextField: (str,),
    BooleanField: (bool,),
    IntegerField: (int,),
    FloatField: (float,),
    ForeignKey: (int,),
}


def _plain_types(field) -> tuple:
    for kind, types in _PLAIN.items():
        if isinstance(field, kind) and not getattr(field, "auto_now", False):
            return types
    return ()


def _statement(model) -> tuple[str, list]:
    key = (model, connection.vendor)
    found = _STATEMENTS.get(key)
    if found is None:
        meta = model._meta
        fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.pk]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = (
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({marks}) "  # noqa: S608
            f"RETURNING {quote(meta.pk.column)}"
        )
        prepared = [(f, f.attname, _plain_types(f)) for f in fields]
        found = _STATEMENTS[key] = (sql, prepared)
    return found


def insert_row(obj):
    """Insert `obj` (a new instance whose primary key is generated) and set its primary key."""
    sql, fields = _statement(type(obj))
    # The connection itself, not the `connection` proxy: each attribute of the proxy is a
    # context-local look-up, and the fields' preparation reads it hundreds of times a row.
    db = connections[DEFAULT_DB_ALIAS]
    values = obj.__dict__
    params = []
    for field, attname, plain in fields:
        value = values.get(attname)
        if plain and (value is None or type(value) in plain):
            params.append(value)
        else:
            params.append(field.get_db_prep_save(field.pre_save(obj, True), db))
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        obj.pk = cursor.fetchone()[0]
    obj._state.adding = False
    obj._state.db = db.alias
    return obj


_SELECTS: dict[tuple[type, str, str], tuple[str, list[str], list]] = {}


def select_columns(model, table_alias: str) -> tuple[str, list[str], list]:
    """("t.col1, t.col2, …", attnames, converters) of every concrete field of `model`, for
    hand-written SELECTs whose rows become instances through `instance_from_row` (built once
    per model, alias and vendor)."""
    key = (model, table_alias, connection.vendor)
    found = _SELECTS.get(key)
    if found is None:
        quote = connection.ops.quote_name
        fields = model._meta.concrete_fields
        columns = ", ".join(f"{table_alias}.{quote(f.column)}" for f in fields)
        converters = []
        for field in fields:
            column = field.get_col(model._meta.db_table)
            chain = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            converters.append((column, chain))
        found = _SELECTS[key] = (columns, [f.attname for f in fields], converters)
    return found


def instance_from_row(model, table_alias: str, values):
    """A model instance from a hand-written SELECT's row (`select_columns` order), with the
    database's converters applied as the ORM would (datetimes and booleans on SQLite)."""
    _columns, attnames, converters = select_columns(model, table_alias)
    converted = []
    for (column, chain), value in zip(converters, values, strict=True):
        for converter in chain:
            value = converter(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, attnames, converted)


_UPDATES: dict[tuple, tuple[str, list, list]] = {}


def update_row(model, pk, values: dict, *, increment: str = "", expected: dict | None = None):
    """UPDATE one row by primary key through a statement built once per model and column set.

    `values` maps field names to plain values or model instances (for foreign keys), prepared
    as Django's UPDATE compiler prepares them; `increment` names a counter to raise by one; the
    row changes only while the `expected` fields still hold their values (compare-and-set).
    Returns how many rows changed (0 or 1). Expressions (`F(…)`) are the ORM's business.
    """
    expected = expected or {}
    key = (model, tuple(values), increment, tuple(expected), connection.vendor)
    found = _UPDATES.get(key)
    if found is None:
        meta = model._meta
        quote = connection.ops.quote_name
        fields = [meta.get_field(name) for name in values]
        checked = [meta.get_field(name) for name in expected]
        sets = [f"{quote(f.column)} = %s" for f in fields]
        if increment:
            column = quote(meta.get_field(increment).column)
            sets.append(f"{column} = {column} + 1")
        where = " AND ".join(f"{quote(f.column)} = %s" for f in [meta.pk, *checked])
        sql = f"UPDATE {quote(meta.db_table)} SET {', '.join(sets)} WHERE {where}"  # noqa: S608
        found = _UPDATES[key] = (sql, fields, checked)
    sql, fields, checked = found
    db = connections[DEFAULT_DB_ALIAS]
    params = [_prepared(f, v, db) for f, v in zip(fields, values.values(), strict=True)]
    params.append(pk)
    params += [_prepared(f, v, db) for f, v in zip(checked, expected.values(), strict=True)]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def _prepared(field, value, db):
    if hasattr(value, "prepare_database_save"):  # a model instance for a foreign key
        value = value.prepare_database_save(field)
    return field.get_db_prep_save(value, db)
