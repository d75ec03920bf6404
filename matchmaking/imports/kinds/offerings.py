"""Service offerings of organizations, keyed by (organization, title).

An official imports the offerings of organizations registered in their jurisdiction; the
service area may reach beyond it (an organization serves where it serves)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.models import Region
from orgs.choices import OfferingStatus
from orgs.models import ServiceOffering, SocialOrg, SocialWorker

from .. import cells, references
from ..base import (
    Context,
    Kind,
    RowReader,
    SheetPlan,
    changed,
    current_m2m,
    duplicate,
    fetch,
    m2m_change,
)
from ..columns import Column, SheetSpec
from .needs import PUBLISH_NOTE

COLUMNS = (
    Column(
        "org_uscc",
        "机构统一社会信用代码",
        "organization credit code",
        required=True,
        note=gettext_lazy("The credit code of an organization on the platform"),
        aliases=("统一社会信用代码", "信用代码", "机构信用代码", "org credit code"),
        example="52430103MJ0000016H",
    ),
    Column(
        "title",
        "服务名称",
        "title",
        required=True,
        aliases=("标题", "服务标题", "项目名称"),
        example="社区居家养老上门服务",
    ),
    Column(
        "category",
        "服务类别",
        "category",
        required=True,
        note=gettext_lazy("A category code or name from the list sheet"),
        aliases=("类别", "类别代码", "category code"),
        example="上门探访",
    ),
    Column(
        "target_groups",
        "服务对象",
        "target groups",
        note=gettext_lazy("Names or codes separated by 、 or ;"),
        aliases=("对象", "目标人群"),
        example="老年人",
    ),
    Column(
        "service_area",
        "服务区域代码",
        "service area",
        required=True,
        note=gettext_lazy("12-digit region codes separated by 、 or ;"),
        aliases=("服务区域", "服务范围", "service area codes"),
        example="430103000000",
    ),
    Column(
        "capacity",
        "可同时承接项目数",
        "capacity",
        note=gettext_lazy("Projects it can run at once, at least 1 (1 if blank)"),
        aliases=("承接能力", "容量"),
        example="2",
    ),
    Column(
        "price_min",
        "最低价格（元）",
        "minimum price",
        required=True,
        note=gettext_lazy("Yuan, 0 or more"),
        aliases=("最低价格", "price min"),
        example="30000",
    ),
    Column(
        "price_max",
        "最高价格（元）",
        "maximum price",
        required=True,
        note=gettext_lazy("Yuan, not below the minimum"),
        aliases=("最高价格", "price max"),
        example="80000",
    ),
    Column("description", "服务描述", "description", aliases=("描述", "说明")),
    Column(
        "workers",
        "服务社工证书编号",
        "social workers",
        note=gettext_lazy("Certificate numbers of the organization's own social workers"),
        aliases=("社工证书编号", "worker certificates"),
        example="SG20260000001",
    ),
    Column("publish", "发布", "publish", note=PUBLISH_NOTE, aliases=("是否发布",), example="是"),
)
FIELDS = {n: n for n in ("title", "capacity", "price_min", "price_max", "description")}
CONSTRAINTS = {
    "offer_capacity_positive",
    "offer_price_nonnegative",
    "offer_price_range_ordered",
    "offer_status_valid",
}


class OfferingsKind(Kind):
    key = "offerings"
    label = gettext_lazy("Service offerings")
    description = gettext_lazy("Offerings of organizations, by organization and title.")
    sheets = (SheetSpec("offerings", "服务供给", "service offerings", COLUMNS),)

    def plan(self, sheets, ctx: Context, report) -> list[SheetPlan]:
        sheet = sheets["offerings"]
        plan = SheetPlan(ServiceOffering, report.sheet("offerings").counts, history=True)
        vocabulary = references.Vocabulary()
        rows = []
        for row in sheet.rows:
            r = RowReader(sheet, row, report)
            values = {
                "title": r.get("title", required=True),
                "category_id": r.lookup(
                    "category",
                    cells.text,
                    vocabulary.categories,
                    references.UNKNOWN_CATEGORY,
                    required=True,
                ),
                "capacity": r.get("capacity", cells.integer, minimum=1),
                "price_min": r.get("price_min", cells.money, positive=False, required=True),
                "price_max": r.get("price_max", cells.money, positive=False, required=True),
                "description": r.get("description"),
            }
            area = self._codes(r, "service_area", required=True)
            workers = self._codes(r, "workers", parser=cells.code_text)
            groups = r.many("target_groups", vocabulary.groups, references.UNKNOWN_GROUP)
            org = r.get("org_uscc", cells.code_text, required=True)
            rows.append((r, org, values, groups, area, workers, r.get("publish", cells.boolean)))

        orgs = {
            org.uscc: org
            for org in fetch(
                lambda chunk: SocialOrg.objects.filter(uscc__in=chunk).only("id", "uscc", "region"),
                {row[1] for row in rows} - {None},
            )
        }
        known_regions = {
            region.code
            for region in fetch(
                lambda chunk: Region.objects.filter(code__in=chunk).only("code"),
                {code for row in rows for code in (row[4] or ())},
            )
        }
        worker_orgs = dict(
            fetch(
                lambda chunk: SocialWorker.objects.filter(certificate_no__in=chunk).values_list(
                    "certificate_no", "org_id"
                ),
                {number for row in rows for number in (row[5] or ())},
            )
        )
        worker_ids = dict(
            fetch(
                lambda chunk: SocialWorker.objects.filter(certificate_no__in=chunk).values_list(
                    "certificate_no", "id"
                ),
                set(worker_orgs),
            )
        )
        existing = {
            (offering.org_id, offering.title): offering
            for offering in fetch(
                lambda chunk: ServiceOffering.objects.filter(org_id__in=chunk),
                {org.pk for org in orgs.values()},
            )
        }
        pks = [
            existing[key].pk
            for key in {(orgs[row[1]].pk, row[2]["title"]) for row in rows if row[1] in orgs}
            if key in existing
        ]
        now = {
            name: current_m2m(ServiceOffering, name, pks)
            for name in ("target_groups", "service_area", "workers")
        }
        seen = {}
        for r, org_code, values, groups, area, workers, publish in rows:
            org = orgs.get(org_code)
            if org_code is not None and org is None:
                r.error(
                    "org_uscc",
                    _("no organization with credit code %(code)s on the platform")
                    % {"code": org_code},
                )
            elif org is not None and not ctx.allows(org.region_id):
                r.error("org_uscc", _("this organization is registered outside your jurisdiction"))
            unknown = [code for code in area or () if code not in known_regions]
            if unknown:
                r.error(
                    "service_area", _("unknown region code %(code)s") % {"code": "、".join(unknown)}
                )
            if org is not None and workers:
                # offering_create: only the organization's own social workers may be named.
                strangers = [n for n in workers if worker_orgs.get(n) != org.pk]
                if strangers:
                    r.error(
                        "workers",
                        _("not social workers of this organization: %(numbers)s")
                        % {"numbers": "、".join(strangers)},
                    )
            if org is None or values["title"] is None:
                continue
            key = (org.pk, values["title"])
            if key in seen:
                duplicate(r, "title", seen[key])
                continue
            seen[key] = r.row.number
            sets = {
                "target_groups": groups,
                "service_area": area,
                "workers": [worker_ids[n] for n in workers] if workers and r.ok else None,
            }
            instance = existing.get(key)
            if instance is None:
                instance = ServiceOffering(
                    org_id=org.pk, **{k: v for k, v in values.items() if v is not None}
                )
                fields, changes = [], {}
            else:
                fields = changed(instance, values)
                changes = {
                    name: m2m_change(ids, now[name][instance.pk]) for name, ids in sets.items()
                }
                if (fields or any(v is not None for v in changes.values())) and (
                    instance.status == OfferingStatus.CLOSED
                ):
                    r.error("title", _("this offering is closed and can no longer be edited"))
                for field in fields:
                    setattr(instance, field, values[field])
            if publish and instance.status == OfferingStatus.DRAFT:
                instance.status, instance.published_at = OfferingStatus.PUBLISHED, ctx.now
                fields += ["status", "published_at"]
            r.model_errors(instance, FIELDS)
            if (
                instance.price_max is not None
                and instance.price_min is not None
                and (instance.price_max < instance.price_min)
            ):
                r.error(
                    "price_max",
                    _("the maximum price (%(max)s) is below the minimum (%(min)s)")
                    % {"max": instance.price_max, "min": instance.price_min},
                )
            if not r.ok:
                continue
            if instance._state.adding:
                plan.create(instance, {name: ids or [] for name, ids in sets.items()})
            else:
                plan.update_or_keep(instance, fields, changes)
        return [plan]

    @staticmethod
    def _codes(r: RowReader, key: str, *, parser=cells.region_code, required=False):
        """A list of codes in one cell, each parsed; None when blank or unreadable."""
        value = r.row.values.get(key)
        if value is None:
            if required:
                r.error(key, _("a value is required"))
            return None
        codes, bad = [], []
        for item in cells.items(value):
            try:
                codes.append(parser(item))
            except cells.CellError as exc:
                bad.append(exc.message)
        if bad:
            r.error(key, "; ".join(bad))
            return None
        return list(dict.fromkeys(codes))
