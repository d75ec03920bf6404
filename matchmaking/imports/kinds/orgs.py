"""Social organizations by credit code, and their certified social workers by certificate
number (a second sheet of the same workbook, or a file of their own)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.models import Region
from orgs.models import SocialOrg, SocialWorker
from orgs.validators import validate_uscc

from .. import cells, references
from ..base import Context, Kind, RowReader, SheetPlan, changed, duplicate, fetch, outside
from ..columns import Column, SheetSpec


def credit_code(value) -> str:
    """A unified social credit code, checked as GB 32100 says (orgs.validators)."""
    code = cells.code_text(value)
    try:
        validate_uscc(code)
    except ValidationError as exc:
        raise cells.CellError(f"{code}: {' '.join(exc.messages)}") from None
    return code


ORG_COLUMNS = (
    Column(
        "uscc",
        "统一社会信用代码",
        "credit code",
        required=True,
        note=gettext_lazy("18 characters with a valid check character; the natural key"),
        aliases=("信用代码", "社会信用代码", "uscc", "unified social credit code"),
        example="52430103MJ0000016H",
    ),
    Column(
        "name",
        "机构名称",
        "name",
        required=True,
        aliases=("名称", "组织名称", "社会组织名称", "organization name"),
        example="长沙市天心区阳光社会工作服务中心",
    ),
    Column(
        "org_type",
        "机构类型",
        "type",
        required=True,
        note=gettext_lazy("社会团体、社会服务机构 or 基金会"),
        aliases=("组织类型", "类型", "organization type", "org type"),
        example="社会服务机构",
    ),
    Column(
        "region_code",
        "登记区划代码",
        "region code",
        required=True,
        note=gettext_lazy("The 12-digit code of the region where it is registered"),
        aliases=("区划代码", "登记地区划代码", "registered region code"),
        example="430103000000",
    ),
    Column(
        "grade",
        "评估等级",
        "grade",
        note=gettext_lazy("1A to 5A, or 无 (none)"),
        aliases=("等级", "evaluation grade"),
        example="4A",
    ),
    Column(
        "founded_on",
        "成立日期",
        "founded on",
        note=gettext_lazy("A date such as 2015-06-01"),
        aliases=("成立时间",),
        example="2015-06-01",
    ),
    Column("address", "地址", "address", aliases=("办公地址",), example="天心区书院路9号"),
    Column("contact_name", "联系人", "contact person", aliases=("contact",), example="李华"),
    Column(
        "contact_phone",
        "联系电话",
        "contact phone",
        aliases=("电话", "phone"),
        example="13800000000",
    ),
    Column("description", "机构简介", "description", aliases=("简介",)),
    Column(
        "verified",
        "已核验",
        "verified",
        note=gettext_lazy(
            "是 verifies the organization (as an official of its region); 否 or "
            "blank leaves it as it is"
        ),
        aliases=("核验", "是否核验"),
        example="是",
    ),
)
WORKER_COLUMNS = (
    Column(
        "org_uscc",
        "机构统一社会信用代码",
        "organization credit code",
        required=True,
        note=gettext_lazy("The organization's credit code: on the platform or in this workbook"),
        aliases=("统一社会信用代码", "信用代码", "机构信用代码", "org credit code"),
        example="52430103MJ0000016H",
    ),
    Column("name", "姓名", "name", required=True, aliases=("社工姓名",), example="王芳"),
    Column(
        "certificate_level",
        "证书等级",
        "certificate level",
        required=True,
        note=gettext_lazy("助理社会工作师、社会工作师 or 高级社会工作师"),
        aliases=("职业水平等级", "等级", "level"),
        example="社会工作师",
    ),
    Column(
        "certificate_no",
        "证书编号",
        "certificate number",
        required=True,
        note=gettext_lazy("The natural key of a social worker"),
        aliases=("证书号", "certificate no"),
        example="SG20260000001",
    ),
    Column("phone", "联系电话", "phone", aliases=("电话", "手机"), example="13700000000"),
)
ORG_FIELDS = {
    name: name
    for name in (
        "name",
        "uscc",
        "org_type",
        "grade",
        "founded_on",
        "address",
        "contact_name",
        "contact_phone",
        "description",
    )
}
CONSTRAINTS = {"org_type_valid", "org_grade_valid", "worker_level_valid"}


class OrgsKind(Kind):
    key = "orgs"
    label = gettext_lazy("Organizations and their social workers")
    description = gettext_lazy(
        "Organizations by credit code; their certified social workers on a second sheet, "
        "by certificate number."
    )
    sheets = (
        SheetSpec("orgs", "社会组织", "organizations", ORG_COLUMNS),
        SheetSpec("workers", "持证社工", "social workers", WORKER_COLUMNS, required=False),
    )

    def plan(self, sheets, ctx: Context, report) -> list[SheetPlan]:
        plans, orgs_in_file = [], {}
        if "orgs" in sheets:
            plans.append(self._orgs(sheets, ctx, report, orgs_in_file))
        if "workers" in sheets:
            plans.append(self._workers(sheets, ctx, report, orgs_in_file))
        return plans

    def _orgs(self, sheets, ctx, report, in_file: dict) -> SheetPlan:
        sheet = sheets["orgs"]
        label = self.sheet_label(sheets, "orgs")
        plan = SheetPlan(SocialOrg, report.sheet("orgs").counts, history=True)
        rows, seen = [], {}
        for row in sheet.rows:
            r = RowReader(sheet, row, report, label)
            code = r.get("uscc", credit_code, required=True)
            if code is not None:
                if code in seen:
                    duplicate(r, "uscc", seen[code])
                else:
                    seen[code] = row.number
            values = {
                "name": r.get("name", required=True),
                "org_type": r.get("org_type", references.org_type, required=True),
                "region_id": r.get("region_code", cells.region_code, required=True),
                "grade": r.get("grade", references.grade),
                "founded_on": r.get("founded_on", cells.date),
                "address": r.get("address"),
                "contact_name": r.get("contact_name"),
                "contact_phone": r.get("contact_phone"),
                "description": r.get("description"),
            }
            rows.append((r, code, values, r.get("verified", cells.boolean)))

        known = {
            region.code
            for region in fetch(
                lambda chunk: Region.objects.filter(code__in=chunk).only("code"),
                {values["region_id"] for _r, _c, values, _v in rows} - {None},
            )
        }
        existing = {
            org.uscc: org
            for org in fetch(lambda chunk: SocialOrg.objects.filter(uscc__in=chunk), seen)
        }
        for r, code, values, verified in rows:
            region = values["region_id"]
            if region is not None:
                if region not in known:
                    r.error("region_code", _("unknown region code %(code)s") % {"code": region})
                elif not ctx.allows(region):
                    outside(r, "region_code", region)
            if code is None:
                continue
            instance = existing.get(code)
            if instance is not None and not ctx.allows(instance.region_id):
                r.error("uscc", _("this organization is registered outside your jurisdiction"))
            if instance is None:
                instance = SocialOrg(
                    uscc=code, **{k: v for k, v in values.items() if v is not None}
                )
                fields = []
            else:
                fields = changed(instance, values)
                for field in fields:
                    setattr(instance, field, values[field])
            if verified and not instance.verified:
                # As org_verify does: an official of the region vouches for it.
                instance.verified, instance.verified_at, instance.verified_by = (
                    True,
                    ctx.now,
                    ctx.actor,
                )
                fields += ["verified", "verified_at", "verified_by"]
            r.model_errors(instance, ORG_FIELDS)
            in_file[code] = (instance, region)
            if not r.ok:
                continue
            if instance._state.adding:
                plan.create(instance)
            else:
                plan.update_or_keep(instance, fields)
        return plan

    def _workers(self, sheets, ctx, report, orgs_in_file: dict) -> SheetPlan:
        sheet = sheets["workers"]
        label = self.sheet_label(sheets, "workers")
        plan = SheetPlan(SocialWorker, report.sheet("workers").counts)
        rows, seen = [], {}
        for row in sheet.rows:
            r = RowReader(sheet, row, report, label)
            number = r.get("certificate_no", cells.code_text, required=True)
            if number is not None:
                if number in seen:
                    duplicate(r, "certificate_no", seen[number])
                else:
                    seen[number] = row.number
            values = {
                "name": r.get("name", required=True),
                "certificate_level": r.get(
                    "certificate_level", references.certificate_level, required=True
                ),
                "phone": r.get("phone"),
            }
            org_code = r.get("org_uscc", cells.code_text, required=True)
            rows.append((r, number, org_code, values))

        wanted = {code for _r, _n, code, _v in rows if code and code not in orgs_in_file}
        orgs = {
            org.uscc: (org, org.region_id)
            for org in fetch(
                lambda chunk: SocialOrg.objects.filter(uscc__in=chunk).only("id", "uscc", "region"),
                wanted,
            )
        }
        orgs.update(orgs_in_file)
        existing = {
            worker.certificate_no: worker
            for worker in fetch(
                lambda chunk: (
                    SocialWorker.objects.filter(certificate_no__in=chunk)
                    .select_related("org")
                    .only("org__region", *(f.name for f in SocialWorker._meta.concrete_fields))
                ),
                seen,
            )
        }
        for r, number, org_code, values in rows:
            org, region = orgs.get(org_code, (None, None))
            if org_code is not None and org is None:
                r.error(
                    "org_uscc",
                    _("no organization with credit code %(code)s on the platform or in this file")
                    % {"code": org_code},
                )
            elif region is not None and not ctx.allows(region):
                r.error("org_uscc", _("this organization is registered outside your jurisdiction"))
            if number is None:
                continue
            instance = existing.get(number)
            if instance is None:
                instance = SocialWorker(
                    certificate_no=number, **{k: v for k, v in values.items() if v is not None}
                )
                fields = []
            else:
                if not ctx.allows(instance.org.region_id):
                    r.error(
                        "certificate_no",
                        _("this social worker works for an organization outside your jurisdiction"),
                    )
                fields = changed(instance, values)
                for field in fields:
                    setattr(instance, field, values[field])
            if org is not None and (org.pk is None or instance.org_id != org.pk):
                instance.org = org
                fields.append("org")
            r.model_errors(
                instance,
                {n: n for n in ("name", "certificate_level", "certificate_no", "phone")},
            )
            if not r.ok:
                continue
            if instance._state.adding:
                plan.create(instance)
            else:
                plan.update_or_keep(instance, fields)
        return plan


class WorkersKind(OrgsKind):
    """Social workers alone (a CSV holds one sheet)."""

    key = "workers"
    label = gettext_lazy("Social workers")
    description = gettext_lazy("Certified social workers of organizations, by certificate number.")
    sheets = (SheetSpec("workers", "持证社工", "social workers", WORKER_COLUMNS),)
