"""The actors the plans name: users for those the demo logins do not cover, with their roles."""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from communities.models import CommunityStaff, Official
from orgs.models import OrgMember
from projects.models import Expert

from ..context import CITY_CODE, SeedContext, derived_random
from ..vocabulary import STAFF_POSITIONS
from .data import EXPERT_AFFILIATIONS
from .planner import Planner


def _people(ctx: SeedContext, planner: Planner) -> dict:
    """Users for every username the plans name, with their roles; returns username → User.

    The demo logins exist already; the others are made here without a usable password (nobody
    logs in as them) and a name from a Faker seeded by the username."""
    User = get_user_model()
    wanted = dict(sorted(planner.people.items()))
    stored = set(User.objects.filter(username__in=wanted).values_list("username", flat=True))
    new = []
    for username in wanted:
        if username in stored:
            continue
        ctx.fake.seed_instance(f"projects:person:{username}")
        new.append(
            User(
                username=username,
                display_name=ctx.fake.name(),
                phone=ctx.fake.phone_number(),
                password=make_password(None),
            )
        )
    User.objects.bulk_create(new, batch_size=500)
    demo = ("staff_mulian", "org_xingchen", "official_tianxin", "official_city")
    names = [*wanted, *demo, *planner.reviewers[:1], *planner.supervisors[:1]]
    users = {u.username: u for u in User.objects.filter(username__in=names)}

    rows = defaultdict(list)
    for username, (kind, target) in wanted.items():
        rows[kind].append((users[username].pk, target))
    staff = _missing(
        CommunityStaff, "user_id", "community_id", [(u, c.pk) for u, c in rows["staff"]]
    )
    CommunityStaff.objects.bulk_create(
        CommunityStaff(
            user_id=u,
            community_id=c,
            position=derived_random(f"projects:staff:{u}").choice(STAFF_POSITIONS),
            certified=derived_random(f"projects:staff:{u}:cert").random() < 0.4,
        )
        for u, c in staff
    )
    members = _missing(OrgMember, "user_id", "org_id", [(u, o.pk) for u, o in rows["member"]])
    OrgMember.objects.bulk_create(OrgMember(user_id=u, org_id=o, is_admin=True) for u, o in members)
    officials = _missing(Official, "user_id", "region_id", rows["official"])
    Official.objects.bulk_create(
        Official(user_id=u, region_id=code, title=f"{ctx.region_names[code]}民政局")
        for u, code in officials
    )
    experts = _missing(Expert, "user_id", "role", rows["expert"])
    created = Expert.objects.bulk_create(
        Expert(
            user_id=u,
            role=role,
            region_id=CITY_CODE,
            affiliation=derived_random(f"projects:expert:{u}").choice(EXPERT_AFFILIATIONS),
        )
        for u, role in experts
    )
    fields = sorted(c.pk for c in ctx.categories.values() if c.parent_id is None)
    links = []
    for expert in created:
        rng = derived_random(f"projects:expert:{expert.user_id}:fields")
        links += [(expert.pk, c) for c in rng.sample(fields, rng.randint(1, 3))]
    Expert.fields.through.objects.bulk_create(
        Expert.fields.through(expert_id=e, servicecategory_id=c) for e, c in links
    )
    ctx.log(
        f"project actors: {len(wanted)} planned (+{len(new)} users, +{len(staff)} staff, "
        f"+{len(members)} members, +{len(officials)} officials, +{len(experts)} experts)"
    )
    return users


def _missing(model, first: str, second: str, pairs: list[tuple]) -> list[tuple]:
    """The (first, second) pairs `model` does not hold yet (memberships have no other key)."""
    stored = model.objects.filter(**{f"{first}__in": [a for a, _ in pairs]})
    have = set(stored.values_list(first, second))
    return [pair for pair in pairs if pair not in have]
