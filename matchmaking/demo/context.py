"""State shared by the seed's stages: scale, year, random streams and the plans built so far."""

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from faker import Faker

from communities.models import Community, Region, ServiceCategory, TargetGroup
from orgs.models import SocialOrg, SocialWorker

SEED = 20181211  # the day the source article appeared (China Society News, 2018-12-11)
CITY_CODE = "430100000000"
SHANGHAI = ZoneInfo("Asia/Shanghai")
BATCH_SIZE = 500


def derived_random(label: str) -> random.Random:
    """A random stream derived from the seed and a label (str seeds hash stably)."""
    return random.Random(f"{SEED}:{label}")  # noqa: S311 - demo data, not security


@dataclass(frozen=True)
class Scale:
    name: str
    district_prefixes: tuple[str, ...] | None  # None: every district gets communities
    streets_per_district: int | None  # None: every street
    communities_per_street: tuple[int, int]
    orgs: int
    workers: int
    # Projects walk through the services at ~0.1 s apiece, so the city gets what keeps the
    # seed around 15 s; `seed_demo --projects N` asks for more.
    projects: int  # of the seed year across the city, beside the named community's
    track_record_projects: int  # completed in the year before


SCALES = {
    "small": Scale("small", ("430103", "430121"), 3, (3, 3), orgs=30, workers=40,
                   projects=4, track_record_projects=2),
    "city": Scale("city", None, None, (3, 9), orgs=5000, workers=4000,
                  projects=60, track_record_projects=10),
}  # fmt: skip


@dataclass
class OrgPlan:
    """An organization to seed (unsaved), with what later stages need to know about it."""

    org: SocialOrg
    district_code: str | None  # None for an organization registered with the city
    focus: str | None  # parent category its name suggests
    workers: list[SocialWorker] = field(default_factory=list)
    special: bool = False  # a named organization whose offering is written by hand


@dataclass
class SeedContext:
    scale: Scale
    year: int
    log: Callable[[str], None]
    fake: Faker = field(init=False)
    categories: dict[str, ServiceCategory] = field(default_factory=dict)  # by code
    category_codes: dict[int, str] = field(default_factory=dict)  # id → code
    target_groups: dict[str, TargetGroup] = field(default_factory=dict)
    districts: list[Region] = field(default_factory=list)
    region_names: dict[str, str] = field(default_factory=dict)  # city and districts
    streets: dict[str, list[Region]] = field(default_factory=dict)  # district code → streets
    communities: list[Community] = field(default_factory=list)  # planned, unsaved
    orgs: list[OrgPlan] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.fake = Faker("zh_CN")

    def stream(self, stage: str) -> random.Random:
        """An independent, seeded random stream per stage (and reseed Faker alike).

        Each stage draws the same numbers whatever the database already holds, so a rerun plans
        exactly the rows the first run planned and skips them by natural key.
        """
        self.fake.seed_instance(f"{SEED}:{stage}")
        return derived_random(stage)

    def moment(self, day: date, rng: random.Random) -> datetime:
        """An aware office-hours datetime on `day` in Changsha's time zone."""
        return datetime.combine(day, time(rng.randint(8, 17), rng.randrange(0, 60, 5)), SHANGHAI)

    def day_in_year(self, rng: random.Random, first: tuple[int, int], last: tuple[int, int]):
        """A date of the seed year between (month, day) `first` and `last` inclusive."""
        start = date(self.year, *first)
        span = (date(self.year, *last) - start).days
        return start + timedelta(days=rng.randint(0, span))


def existing(queryset, key: str) -> set:
    """The values of a natural-key field already stored, to insert only what is missing."""
    return set(queryset.values_list(key, flat=True))


def bulk_link(descriptor, pairs, batch_size: int = BATCH_SIZE) -> int:
    """Insert M2M rows through the auto-created `through` model: one INSERT per batch."""
    field = descriptor.field
    source, target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
    through = descriptor.through
    rows = [through(**{source: a, target: b}) for a, b in pairs]
    through.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def draw_unique(
    rng: random.Random,
    draw: Callable[[random.Random, int], tuple],
    key: str,
    planned: set[str],
    stored: set[str],
    new: bool,
) -> tuple:
    """Draw a name (item 0 of draw's result) that is unused; record it in `planned`.

    The name must differ from the plan's other names and, for a row still to insert, from the
    stored ones. The first draw comes from the stage's stream and retries from a stream of
    their own keyed by `key`, so the stage's stream advances the same whatever the database
    holds and every later row of the plan stays the same from run to run.
    """
    result = draw(rng, 0)
    for attempt in range(1, 1000):
        if result[0] not in planned and not (new and result[0] in stored):
            planned.add(result[0])
            return result
        result = draw(derived_random(f"{key}:{attempt}"), attempt)
    raise RuntimeError("ran out of unique demo names; extend matchmaking/demo/vocabulary.py")
