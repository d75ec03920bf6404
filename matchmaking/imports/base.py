"""The machinery every kind shares: reading a row, checking it, and writing in bulk.

An import validates every row before it writes anything. Each kind builds the unsaved or
updated model instances, runs the models' own field validation (`clean_fields`: lengths,
choices, the credit-code and region-code validators, minimum values, decimal places) and then
the rules the services enforce — the check constraints and the services' preconditions,
written out per kind with a message naming the row and column, because running
`full_clean()` row by row would ask the database once per constraint per row. Foreign keys and
natural keys are resolved from dictionaries filled by a few chunked queries. Only when the
whole file is clean does it write, with bulk_create / bulk_update in batches (and the history
rows django-simple-history would have written). The database constraints stay the backstop.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import regions

from . import cells
from .reading import Row, Sheet
from .report import Counts, ImportReport

LOOKUP_CHUNK = 2000
WRITE_BATCH = 2000
LINK_BATCH = 10_000  # many-to-many rows are two integers


def chunks(values: Iterable, size: int = LOOKUP_CHUNK):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def fetch(queryset_for: Callable[[list], models.QuerySet], values: Iterable) -> list:
    """Rows for many keys, `LOOKUP_CHUNK` keys per query (SQLite caps a query's parameters)."""
    found: list = []
    for chunk in chunks(sorted(set(values), key=str)):
        found.extend(queryset_for(chunk))
    return found


class Context:
    """Who imports, and where they may: `scope` is None for a superuser or the command line,
    else the region codes of the user's official memberships."""

    def __init__(self, actor, scope: list[str] | None):
        self.actor = actor if actor is not None and actor.is_authenticated else None
        self.scope = scope
        self.now = timezone.now()

    def allows(self, code: str | None) -> bool:
        if self.scope is None or code is None:
            return True
        return any(regions.is_within(code, region) for region in self.scope)


class RowReader:
    """Reads one row's cells through parsers, recording each problem against its column."""

    def __init__(self, sheet: Sheet, row: Row, report: ImportReport, sheet_label: str = ""):
        self.sheet, self.row, self.report = sheet, row, report
        self.sheet_label = sheet_label
        self.failed: set[str] = set()
        self.errors = 0

    @property
    def ok(self) -> bool:
        return self.errors == 0

    def error(self, key: str | None, problem: str) -> None:
        column = self.sheet.header(key) if key else ""
        self.report.error(self.row.number, column, problem, sheet=self.sheet_label)
        self.errors += 1
        if key:
            self.failed.add(key)

    def present(self, key: str) -> bool:
        """The file has this column and this row's cell in it is not blank."""
        return self.row.values.get(key) is not None

    def get(self, key: str, parser: Callable = cells.text, *, required: bool = False, **options):
        """The parsed cell, or None when blank (an error if required) or unreadable."""
        value = self.row.values.get(key)
        if value is None:
            if required:
                self.error(key, _("a value is required"))
            return None
        try:
            return parser(value, **options)
        except cells.CellError as exc:
            self.error(key, exc.message)
            return None

    def lookup(self, key: str, parser: Callable, table: dict, problem: str, **options):
        """A cell naming a row of `table` (by normalised key); `problem` % {"value": ...}."""
        value = self.get(key, parser, **options)
        if value is None:
            return None
        found = table.get(cells.normal_key(value))
        if found is None:
            self.error(key, problem % {"value": value})
        return found

    def many(self, key: str, table: dict, problem: str) -> list | None:
        """A list of names or codes in one cell, each resolved in `table`."""
        value = self.row.values.get(key)
        if value is None:
            return None
        found, unknown = [], []
        for item in cells.items(value):
            pk = table.get(cells.normal_key(item))
            if pk is None:
                unknown.append(item)
            else:
                found.append(pk)
        if unknown:
            self.error(key, problem % {"value": "、".join(unknown)})
            return None
        return list(dict.fromkeys(found))

    def model_errors(self, instance: models.Model, columns: dict[str, str]) -> None:
        """Run the model's field validation; report each error at its column.

        `columns` maps model field → column key; fields not in it are skipped (foreign keys,
        resolved by the kind; fields the file does not set).
        """
        exclude = [
            f.name
            for f in instance._meta.fields
            if f.name not in columns or columns[f.name] in self.failed
        ]
        try:
            instance.clean_fields(exclude=exclude)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                self.error(columns.get(name), " ".join(messages))


def label_table(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Normalised code / English label / Chinese synonym → choice value."""
    table = {}
    with translation.override("en"):
        for value, label in choices:
            table[cells.normal_key(value)] = value
            table[cells.normal_key(str(label))] = value
    for name, value in (extra or {}).items():
        table[cells.normal_key(name)] = value
    return table


def choice_parser(table: dict[str, str], allowed: str):
    def parse(value):
        found = table.get(cells.normal_key(cells.text(value)))
        if found is None:
            raise cells.CellError(
                _("%(value)s is not one of: %(allowed)s")
                % {"value": cells.text(value), "allowed": allowed}
            )
        return found

    return parse


def changed(instance: models.Model, values: dict) -> list[str]:
    """Fields whose new value differs from the instance's (None means "keep")."""
    return [
        name
        for name, value in values.items()
        if value is not None and getattr(instance, name) != value
    ]


@dataclass
class SheetPlan:
    """What one sheet will write: new rows, changed rows with their changed fields, and the
    many-to-many sets to write (keyed by the instance, for new and changed rows alike)."""

    model: type[models.Model]
    counts: Counts
    creates: list = field(default_factory=list)
    updates: list = field(default_factory=list)  # (instance, changed field names)
    m2m: dict = field(default_factory=dict)  # field name → [(instance, related ids)]
    history: bool = False

    def create(self, instance, m2m: dict | None = None) -> None:
        self.creates.append(instance)
        self.counts.created += 1
        for name, ids in (m2m or {}).items():
            self.m2m.setdefault(name, []).append((instance, ids))

    def update_or_keep(self, instance, fields: list[str], m2m_changes: dict | None = None) -> None:
        """Record a row that exists: changed if any field or many-to-many set differs."""
        m2m_changes = {name: ids for name, ids in (m2m_changes or {}).items() if ids is not None}
        if not fields and not m2m_changes:
            self.counts.unchanged += 1
            return
        self.updates.append((instance, set(fields)))
        self.counts.updated += 1
        for name, ids in m2m_changes.items():
            self.m2m.setdefault(name, []).append((instance, ids))

    def write(self, ctx: Context) -> None:
        """Insert, update and relink in batches; history rows as the services would leave."""
        model = self.model
        has_updated_at = any(f.name == "updated_at" for f in model._meta.fields)
        for instance in self.creates:
            if has_updated_at:
                instance.created_at = instance.updated_at = ctx.now
        model.objects.bulk_create(self.creates, batch_size=WRITE_BATCH)
        if self.history and self.creates:
            model.history.bulk_history_create(
                self.creates, batch_size=WRITE_BATCH, default_user=ctx.actor, default_date=ctx.now
            )
        if self.updates:
            fields = set().union(*(changed for _instance, changed in self.updates))
            rows = [instance for instance, _changed in self.updates]
            if has_updated_at:
                fields.add("updated_at")
                for instance in rows:
                    instance.updated_at = ctx.now
            if fields:
                model.objects.bulk_update(rows, sorted(fields), batch_size=WRITE_BATCH)
            if self.history:
                model.history.bulk_history_create(
                    rows,
                    batch_size=WRITE_BATCH,
                    update=True,
                    default_user=ctx.actor,
                    default_date=ctx.now,
                )
        new = {id(instance) for instance in self.creates}
        for name, sets in self.m2m.items():
            write_m2m(model, name, sets, new=new)


def write_m2m(model: type[models.Model], name: str, sets: list, new: set) -> None:
    """Replace the related sets of these instances: one delete and one insert per batch."""
    m2m = model._meta.get_field(name)
    through = m2m.remote_field.through
    source = m2m.m2m_field_name() + "_id"
    target = m2m.m2m_reverse_field_name() + "_id"
    existing = [instance.pk for instance, _ids in sets if id(instance) not in new]
    for chunk in chunks(existing):
        through.objects.filter(**{f"{source}__in": chunk}).delete()
    links = [
        through(**{source: instance.pk, target: related})
        for instance, ids in sets
        for related in ids
    ]
    through.objects.bulk_create(links, batch_size=LINK_BATCH)


def current_m2m(model: type[models.Model], name: str, pks: Iterable[int]) -> dict[int, set]:
    """pk → set of related ids, for many rows in chunked queries."""
    m2m = model._meta.get_field(name)
    through = m2m.remote_field.through
    source = m2m.m2m_field_name() + "_id"
    target = m2m.m2m_reverse_field_name() + "_id"
    result: dict[int, set] = {pk: set() for pk in pks}
    for pk, related in fetch(
        lambda chunk: through.objects.filter(**{f"{source}__in": chunk}).values_list(
            source, target
        ),
        result,
    ):
        result[pk].add(related)
    return result


def m2m_change(new: list | None, current: set) -> list | None:
    """The new ids if they differ from the current set; None to leave the set alone."""
    if new is None or set(new) == current:
        return None
    return new


class Kind:
    """An importable kind. Subclasses set `key`, `label`, `sheets`, and implement `plan`."""

    key: str
    label: str
    description: str = ""
    sheets: tuple = ()

    def plan(self, sheets: dict[str, Sheet], ctx: Context, report: ImportReport) -> list:
        """Validate every row; return the SheetPlans to write (ignored if the report has
        errors). Sheet counts go on `report.sheets[...].counts` via the plans."""
        raise NotImplementedError

    def sheet_label(self, sheets: dict[str, Sheet], key: str) -> str:
        """Errors name the sheet only when the file has several sheets to read."""
        return sheets[key].name if len(sheets) > 1 else ""


def duplicate(reader: RowReader, key: str, first_row: int) -> None:
    reader.error(
        key, _("duplicate: the same entry as row %(row)s of this file") % {"row": first_row}
    )


def outside(reader: RowReader, key: str, code: str) -> None:
    reader.error(key, _("%(code)s is outside your jurisdiction") % {"code": code})
