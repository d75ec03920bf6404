"""The matchmaking fair (供需对接会): who takes part, and the intention projects signed there.

Two sheets, each optional, at least one present: participants (参会单位: streets by region code,
communities by region code, organizations by credit code) keyed by (fair, participant), and
intention projects (意向项目) keyed by (fair, community, organization, title). The fair is named
by its name. The rules are those of `projects.services.fairs`: a street or a community must lie
within the fair's region, an importing official must be over the participant (over the
community, for an intention), and both parties of an intention must be registered for the fair
— on the platform or in the participants sheet of the same file.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.choices import RegionLevel
from communities.models import Community, Region
from core import regions
from orgs.models import SocialOrg
from projects.models import Fair, FairRegistration, Intention

from .. import cells, references
from ..base import Context, Kind, RowReader, SheetPlan, changed, choice_parser, duplicate, fetch
from ..base import outside as outside_jurisdiction
from ..columns import Column, SheetSpec
from .orgs import credit_code

SHANGHAI = ZoneInfo("Asia/Shanghai")
SIGNING_HOUR = dt.time(10, 0)  # an intention without a date was signed on the fair's morning

STREET, COMMUNITY, ORG = "street", "community", "org"
# Chinese words for each kind of participant; the first is what templates show.
PARTICIPANT_ZH = {
    STREET: ("街道", "乡镇", "镇", "街道/乡镇", "street"),
    COMMUNITY: ("社区", "村", "居委会", "community"),
    ORG: ("社会组织", "社工机构", "机构", "组织", "organization", "org"),
}
participant_type = choice_parser(
    {cells.normal_key(word): value for value, words in PARTICIPANT_ZH.items() for word in words},
    "、".join(words[0] for words in PARTICIPANT_ZH.values()),
)


def fair_column(*, required: bool) -> Column:
    return Column(
        "fair",
        "对接会",
        "fair",
        required=required,
        note=gettext_lazy(
            "The name of a matchmaking fair on the platform, as written there; it must be unique"
        ),
        aliases=("对接会名称", "供需对接会", "fair name"),
        example="2018年长沙市社区服务供需对接会",
    )


REGISTRATION_COLUMNS = (
    fair_column(required=True),
    Column(
        "participant",
        "类型",
        "participant type",
        required=True,
        note=gettext_lazy("街道, 社区 or 社会组织"),
        aliases=("参会单位类型", "单位类型", "type"),
        example="社区",
    ),
    Column(
        "code",
        "代码",
        "code",
        required=True,
        note=gettext_lazy(
            "A street's or a community's 12-digit region code, or an organization's unified "
            "social credit code; with the fair, the natural key"
        ),
        aliases=("参会单位代码", "区划代码或信用代码", "participant code"),
        example="430103002001",
    ),
    Column(
        "name",
        "名称",
        "name",
        note=gettext_lazy(
            "Optional, to catch a mistyped code: if given it must match the name on the platform"
        ),
        aliases=("参会单位名称", "单位名称", "participant name"),
        example="坡子街社区",
    ),
)
INTENTION_COLUMNS = (
    fair_column(required=True),
    Column(
        "community_code",
        "社区区划代码",
        "community code",
        required=True,
        note=gettext_lazy("The community's 12-digit code; it must be registered for the fair"),
        aliases=("社区代码",),
        example="430103002001",
    ),
    Column(
        "org_uscc",
        "社会组织统一社会信用代码",
        "organization credit code",
        required=True,
        note=gettext_lazy("The organization's credit code; it must be registered for the fair"),
        aliases=("社会组织信用代码", "机构统一社会信用代码", "机构信用代码", "org credit code"),
        example="52430103MJ0000016H",
    ),
    Column(
        "title",
        "项目名称",
        "title",
        required=True,
        note=gettext_lazy("With the fair, the community and the organization, the natural key"),
        aliases=("意向项目名称", "意向项目", "project title"),
        example="坡子街社区居家养老上门服务",
    ),
    Column(
        "amount",
        "意向金额（元）",
        "amount",
        required=True,
        note=gettext_lazy("Yuan, more than zero, at most two decimals; 20万 is understood"),
        aliases=("意向金额", "金额（元）", "金额", "amount (yuan)"),
        example="80000",
    ),
    Column(
        "signed_on",
        "签约日期",
        "signed on",
        note=gettext_lazy("A date such as 2018-11-28; blank means the day of the fair"),
        aliases=("签约时间", "signing date"),
        example="2018-11-28",
    ),
    Column(
        "category",
        "服务类别",
        "category",
        note=gettext_lazy(
            "A category code or name; the project the intention becomes takes it "
            "(it can also be chosen when converting)"
        ),
        aliases=("类别", "service category"),
        example="居家养老",
    ),
)


class FairNames:
    """The fairs a file names, by name, from one chunked query."""

    def __init__(self, names):
        self.by_name: dict[str, list[Fair]] = {}
        for fair in fetch(
            lambda chunk: Fair.objects.filter(name__in=chunk).only(
                "id", "name", "region", "held_on"
            ),
            set(names) - {None},
        ):
            self.by_name.setdefault(fair.name, []).append(fair)

    @property
    def ids(self) -> list[int]:
        return [fair.pk for fairs in self.by_name.values() for fair in fairs]

    def resolve(self, r: RowReader, key: str, name: str | None) -> Fair | None:
        """The one fair named `name`; an error at the column when there is none or several."""
        if name is None:
            return None
        found = self.by_name.get(name, [])
        if not found:
            r.error(key, _("no matchmaking fair named “%(name)s” on the platform") % {"name": name})
            return None
        if len(found) > 1:
            r.error(
                key,
                _(
                    "%(count)s matchmaking fairs are named “%(name)s”: give each fair a unique "
                    "name on the platform, then import again"
                )
                % {"count": len(found), "name": name},
            )
            return None
        return found[0]


def outside_fair(r: RowReader, key: str, code: str, fair: Fair) -> None:
    r.error(
        key,
        _("%(code)s lies outside the region %(region)s of the fair “%(fair)s”")
        % {"code": code, "region": fair.region_id, "fair": fair.name},
    )


def signing_time(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, SIGNING_HOUR, tzinfo=SHANGHAI)


class FairKind(Kind):
    key = "fair"
    label = gettext_lazy("Fair participants and intention projects")
    description = gettext_lazy(
        "Streets, communities and organizations taking part in a matchmaking fair, and the "
        "intention projects signed there, by the fair's name."
    )
    sheets = (
        SheetSpec(
            "registrations", "参会单位", "participants", REGISTRATION_COLUMNS, required=False
        ),
        SheetSpec(
            "intentions", "意向项目", "intention projects", INTENTION_COLUMNS, required=False
        ),
    )

    def plan(self, sheets, ctx: Context, report) -> list[SheetPlan]:
        if not sheets:
            described = [
                _("“%(sheet)s” (%(columns)s)")
                % {
                    "sheet": spec.zh,
                    "columns": "、".join(column.zh for column in spec.required_columns),
                }
                for spec in self.sheets
            ]
            report.error(
                None,
                "",
                _("No sheet has the columns of %(sheets)s: the file needs at least one of them.")
                % {"sheets": " / ".join(described)},
            )
            return []

        registrations = self._read_registrations(sheets, report)
        intentions = self._read_intentions(sheets, report)

        # The fairs, the participants and what is already registered: a few chunked queries.
        fairs = FairNames([row[1] for row in registrations] + [row[1] for row in intentions])
        street_codes = {code for _r, _f, kind, code, _n in registrations if kind == STREET}
        community_codes = {
            code for _r, _f, kind, code, _n in registrations if kind == COMMUNITY
        } | {row[2] for row in intentions}
        org_codes = {code for _r, _f, kind, code, _n in registrations if kind == ORG} | {
            row[3] for row in intentions
        }
        streets = {
            region.code: region
            for region in fetch(
                lambda chunk: Region.objects.filter(code__in=chunk).only("code", "name", "level"),
                street_codes - {None},
            )
        }
        communities = {
            community.region_id: community
            for community in fetch(
                lambda chunk: Community.objects.filter(region_id__in=chunk).only(
                    "id", "region", "name"
                ),
                community_codes - {None},
            )
        }
        orgs = {
            org.uscc: org
            for org in fetch(
                lambda chunk: SocialOrg.objects.filter(uscc__in=chunk).only(
                    "id", "uscc", "name", "region"
                ),
                org_codes - {None},
            )
        }
        registered: set[tuple] = set()  # (fair id, kind, participant id)
        for fair, street, community, org in fetch(
            lambda chunk: FairRegistration.objects.filter(fair_id__in=chunk).values_list(
                "fair_id", "street_id", "community_id", "org_id"
            ),
            fairs.ids,
        ):
            if street is not None:
                registered.add((fair, STREET, street))
            elif community is not None:
                registered.add((fair, COMMUNITY, community))
            else:
                registered.add((fair, ORG, org))

        plans = []
        in_file: set[tuple] = set()
        if "registrations" in sheets:
            plans.append(
                self._registrations(
                    registrations,
                    ctx,
                    report,
                    fairs,
                    {STREET: streets, COMMUNITY: communities, ORG: orgs},
                    registered,
                    in_file,
                )
            )
        if "intentions" in sheets:
            plans.append(
                self._intentions(
                    intentions, ctx, report, fairs, communities, orgs, registered | in_file
                )
            )
        return plans

    # --- reading the cells -----------------------------------------------------------------

    def _read_registrations(self, sheets, report) -> list[tuple]:
        if "registrations" not in sheets:
            return []
        sheet = sheets["registrations"]
        label = self.sheet_label(sheets, "registrations")
        rows = []
        for row in sheet.rows:
            r = RowReader(sheet, row, report, label)
            fair = r.get("fair", required=True)
            kind = r.get("participant", participant_type, required=True)
            parser = credit_code if kind == ORG else cells.region_code
            code = r.get("code", parser if kind else cells.code_text, required=True)
            if kind is None:
                code = None  # what the code denotes is unknown
            name = r.get("name")
            if code is not None and kind == STREET and regions.level_of(code) != regions.STREET:
                r.error("code", _("%(code)s is not a street (街道) code") % {"code": code})
                code = None
            elif (
                code is not None
                and kind == COMMUNITY
                and regions.level_of(code) != regions.COMMUNITY
            ):
                r.error(
                    "code",
                    _("%(code)s is not a community code (a community's code does not end in 000)")
                    % {"code": code},
                )
                code = None
            rows.append((r, fair, kind, code, name))
        return rows

    def _read_intentions(self, sheets, report) -> list[tuple]:
        if "intentions" not in sheets:
            return []
        sheet = sheets["intentions"]
        label = self.sheet_label(sheets, "intentions")
        vocabulary = references.Vocabulary()
        rows = []
        for row in sheet.rows:
            r = RowReader(sheet, row, report, label)
            category = r.lookup(
                "category", cells.text, vocabulary.categories, references.UNKNOWN_CATEGORY
            )
            rows.append(
                (
                    r,
                    r.get("fair", required=True),
                    r.get("community_code", cells.region_code, required=True),
                    r.get("org_uscc", credit_code, required=True),
                    r.get("title", required=True),
                    r.get("amount", cells.money, positive=True, required=True),
                    r.get("signed_on", cells.date),
                    category,
                )
            )
        return rows

    # --- checking and planning -------------------------------------------------------------

    def _registrations(
        self, rows, ctx: Context, report, fairs: FairNames, tables, registered, in_file
    ) -> SheetPlan:
        plan = SheetPlan(FairRegistration, report.sheet("registrations").counts)
        seen: dict[tuple, int] = {}
        for r, fair_name, kind, code, name in rows:
            fair = fairs.resolve(r, "fair", fair_name)
            if kind is None or code is None:
                continue
            participant = tables[kind].get(code)
            if (
                kind == STREET
                and participant is not None
                and participant.level != RegionLevel.STREET
            ):
                r.error(
                    "code", _("%(code)s is not a street (街道) on the platform") % {"code": code}
                )
                continue
            if participant is None:
                r.error("code", self._unknown(kind, code))
                continue
            region = participant.region_id if kind != STREET else participant.code
            if name is not None and cells.normal_key(name) != cells.normal_key(participant.name):
                r.error(
                    "name",
                    _("“%(name)s” does not match the platform's name for %(code)s: “%(platform)s”")
                    % {"name": name, "code": code, "platform": participant.name},
                )
            if kind != ORG and fair is not None and not regions.is_within(code, fair.region_id):
                # registration_add: a street or a community lies within the fair's region.
                outside_fair(r, "code", code, fair)
            if not ctx.allows(region):
                outside_jurisdiction(r, "code", code)
            if fair is None:
                continue
            key = (fair.pk, kind, participant.pk)
            if key in seen:
                duplicate(r, "code", seen[key])
                continue
            seen[key] = r.row.number
            in_file.add(key)
            if not r.ok:
                continue
            if key in registered:
                plan.update_or_keep(None, [])
            else:
                plan.create(
                    FairRegistration(
                        fair=fair, registered_by=ctx.actor, **{f"{kind}_id": participant.pk}
                    )
                )
        return plan

    @staticmethod
    def _unknown(kind: str, code: str) -> str:
        if kind == STREET:
            return _("unknown street %(code)s: import the regions first") % {"code": code}
        if kind == COMMUNITY:
            return _("no community with code %(code)s on the platform") % {"code": code}
        return _("no organization with credit code %(code)s on the platform") % {"code": code}

    def _intentions(
        self, rows, ctx: Context, report, fairs: FairNames, communities, orgs, registered
    ) -> SheetPlan:
        plan = SheetPlan(Intention, report.sheet("intentions").counts)
        existing: dict[tuple, Intention] = {}
        for intention in sorted(
            fetch(
                lambda chunk: Intention.objects.filter(fair_id__in=fairs.ids, title__in=chunk),
                {row[4] for row in rows} - {None},
            ),
            key=lambda intention: intention.pk,
        ):
            key = (
                intention.fair_id,
                intention.community_id,
                intention.org_id,
                intention.title,
            )
            existing.setdefault(key, intention)  # signed twice on site: the first one
        seen: dict[tuple, int] = {}
        for r, fair_name, community_code, org_code, title, amount, signed_on, category in rows:
            fair = fairs.resolve(r, "fair", fair_name)
            community = communities.get(community_code)
            org = orgs.get(org_code)
            if community_code is not None and community is None:
                r.error("community_code", self._unknown(COMMUNITY, community_code))
            if org_code is not None and org is None:
                r.error("org_uscc", self._unknown(ORG, org_code))
            if community is not None and not ctx.allows(community.region_id):
                # intention_sign: officials over the community sign for it.
                outside_jurisdiction(r, "community_code", community_code)
            if fair is not None:
                if community is not None and (fair.pk, COMMUNITY, community.pk) not in registered:
                    r.error(
                        "community_code",
                        _(
                            "the community %(code)s has not registered for the fair “%(fair)s”: "
                            "register it first or add it to the sheet 参会单位"
                        )
                        % {"code": community_code, "fair": fair.name},
                    )
                if org is not None and (fair.pk, ORG, org.pk) not in registered:
                    r.error(
                        "org_uscc",
                        _(
                            "the organization %(code)s has not registered for the fair "
                            "“%(fair)s”: register it first or add it to the sheet 参会单位"
                        )
                        % {"code": org_code, "fair": fair.name},
                    )
            if fair is None or community is None or org is None or title is None:
                continue
            key = (fair.pk, community.pk, org.pk, title)
            if key in seen:
                duplicate(r, "title", seen[key])
                continue
            seen[key] = r.row.number
            instance = existing.get(key)
            if instance is None:
                instance = Intention(
                    fair_id=fair.pk,
                    community_id=community.pk,
                    org_id=org.pk,
                    title=title,
                    amount=amount,
                    category_id=category,
                    signed_at=signing_time(signed_on or fair.held_on),
                    signed_by=ctx.actor,
                )
                fields = []
            else:
                fields = changed(instance, {"amount": amount, "category_id": category})
                if (
                    signed_on is not None
                    and timezone.localtime(instance.signed_at, SHANGHAI).date() != signed_on
                ):
                    fields.append("signed_at")
                if fields and instance.project_id is not None:
                    column = {"amount": "amount", "category_id": "category"}
                    r.error(
                        column.get(fields[0], "signed_on"),
                        _(
                            "this intention has already become a project, so it can no longer "
                            "change"
                        ),
                    )
                if "amount" in fields:
                    instance.amount = amount
                if "category_id" in fields:
                    instance.category_id = category
                if "signed_at" in fields:
                    instance.signed_at = signing_time(signed_on)
            r.model_errors(instance, {"title": "title", "amount": "amount"})
            if not r.ok:
                continue
            if instance._state.adding:
                plan.create(instance)
            else:
                plan.update_or_keep(instance, fields)
        return plan
