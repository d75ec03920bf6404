"""One demo login per role, so every screen can be tried without setting anything up."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from communities.models import Community, CommunityStaff, Official
from orgs.models import OrgMember, SocialOrg
from projects.choices import ExpertRole
from projects.models import Expert

from .context import CITY_CODE, SeedContext
from .organizations import TIANXIN, XINGCHEN

PASSWORD = "changsha2026"  # noqa: S105 - the published password of the demo logins


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    scope: str
    grant: Callable  # (user) -> None: create the role membership if missing
    display_name: str = ""
    superuser: bool = False


def _logins(ctx: SeedContext) -> list[Login]:
    mulian = Community.objects.get(
        region_id=next(c.region_id for c in ctx.communities if c.name == "木莲社区")
    )
    xingchen = SocialOrg.objects.get(
        uscc=next(p.org.uscc for p in ctx.orgs if p.org.name == XINGCHEN)
    )

    def staff(user):
        CommunityStaff.objects.get_or_create(
            user=user, community=mulian, defaults={"position": "社区党支部书记", "certified": True}
        )

    def member(user):
        OrgMember.objects.get_or_create(user=user, org=xingchen, defaults={"is_admin": True})

    def official(region: str, title: str):
        def grant(user):
            Official.objects.get_or_create(user=user, region_id=region, defaults={"title": title})

        return grant

    def expert(role: str, affiliation: str, fields: tuple[str, ...]):
        def grant(user):
            row, created = Expert.objects.get_or_create(
                user=user,
                role=role,
                defaults={"region_id": CITY_CODE, "affiliation": affiliation},
            )
            if created:
                row.fields.set([ctx.categories[code] for code in fields])

        return grant

    city = ctx.region_names[CITY_CODE]
    return [
        Login("staff_mulian", "社区工作者 community_staff", mulian.name, staff),
        Login("org_xingchen", "社会组织管理员 org_member (admin)", xingchen.name, member),
        Login(
            "official_tianxin",
            "民政干部 official",
            ctx.region_names[TIANXIN],
            official(TIANXIN, "天心区民政局基层政权和社区建设科"),
        ),
        Login("official_city", "民政干部 official", city, official(CITY_CODE, f"{city}民政局")),
        Login(
            "reviewer_demo",
            "评审专家 reviewer",
            city,
            expert(ExpertRole.REVIEWER, "高校社会工作专业", ("elderly_care", "disability")),
        ),
        Login(
            "supervisor_demo",
            "督导 supervisor",
            city,
            expert(ExpertRole.SUPERVISOR, "社会工作督导", ("community_building",)),
        ),
        Login("admin", "系统管理员 superuser", "—", lambda user: None, "系统管理员", True),
    ]


def seed_logins(ctx: SeedContext) -> list[tuple[str, str, str, str, str]]:
    """Create missing demo users (an existing one keeps its password) and their roles.

    Only these users get a password hash: PBKDF2 is slow on purpose, so the few hashes are
    computed in parallel (hashlib releases the GIL while it works). Returns the rows of the
    logins table: username, password, role, scope, display name.
    """
    ctx.stream("logins")
    User = get_user_model()
    logins = _logins(ctx)
    stored = {u.username: u for u in User.objects.filter(username__in=[x.username for x in logins])}
    missing = [login.username for login in logins if login.username not in stored]
    with ThreadPoolExecutor(max_workers=len(missing) or 1) as pool:
        hashes = dict(zip(missing, pool.map(make_password, [PASSWORD] * len(missing)), strict=True))
    for login in logins:  # draw Faker values for every login, so reruns stay in step
        name, phone = ctx.fake.name(), ctx.fake.phone_number()
        if login.username in hashes:
            user = User(
                username=login.username,
                display_name=login.display_name or name,
                phone=phone,
                password=hashes[login.username],
                is_staff=login.superuser,
                is_superuser=login.superuser,
            )
            user.save()
            stored[login.username] = user
        login.grant(stored[login.username])
    ctx.log(f"demo logins: {len(logins)} (+{len(missing)} users)")
    return [
        (login.username, PASSWORD, login.role, login.scope, str(stored[login.username]))
        for login in logins
    ]
