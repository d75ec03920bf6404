"""Reference data a row may name: categories and target groups (by code, Chinese or English
name), and the choice vocabularies with the Chinese words clerks write."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.choices import RegionLevel
from communities.models import ServiceCategory, TargetGroup
from orgs.choices import CertificateLevel, Grade, OrgType
from projects.choices import ProviderType

from . import cells
from .base import choice_parser, label_table

# Chinese words for each choice; the first is what templates and instructions show.
ORG_TYPE_ZH = {
    OrgType.SOCIAL_GROUP: ("社会团体", "社团"),
    OrgType.SOCIAL_SERVICE: ("社会服务机构", "民办非企业单位", "民非"),
    OrgType.FOUNDATION: ("基金会",),
}
CERTIFICATE_ZH = {
    CertificateLevel.ASSISTANT: ("助理社会工作师", "初级", "初级社会工作师"),
    CertificateLevel.INTERMEDIATE: ("社会工作师", "中级", "中级社会工作师"),
    CertificateLevel.SENIOR: ("高级社会工作师", "高级"),
}
PROVIDER_ZH = {
    ProviderType.GOVERNMENT: ("政府购买服务", "政府", "政府购买"),
    ProviderType.COMMUNITY_FUND: ("社区惠民项目资金", "惠民项目资金", "社区惠民资金", "惠民资金"),
    ProviderType.CHARITY: ("慈善会", "慈善总会", "慈善"),
    ProviderType.ENTERPRISE: ("爱心企业", "企业"),
    ProviderType.FOUNDATION: ("基金会",),
}
LEVEL_ZH = {
    RegionLevel.PROVINCE: ("省", "省级"),
    RegionLevel.CITY: ("市", "地级市"),
    RegionLevel.DISTRICT: ("区县", "区", "县", "县级市", "区/县"),
    RegionLevel.STREET: ("街道", "乡镇", "镇", "乡", "街道/乡镇"),
    RegionLevel.COMMUNITY: ("社区", "村", "居委会"),
}


def _synonyms(zh: dict) -> dict[str, str]:
    return {word: value for value, words in zh.items() for word in words}


def _allowed(zh: dict) -> str:
    return "、".join(words[0] for words in zh.values())


def zh_names(zh: dict) -> list[str]:
    return [words[0] for words in zh.values()]


org_type = choice_parser(
    label_table(OrgType.choices, _synonyms(ORG_TYPE_ZH)), _allowed(ORG_TYPE_ZH)
)
certificate_level = choice_parser(
    label_table(CertificateLevel.choices, _synonyms(CERTIFICATE_ZH)), _allowed(CERTIFICATE_ZH)
)
provider_type = choice_parser(
    label_table(ProviderType.choices, _synonyms(PROVIDER_ZH)), _allowed(PROVIDER_ZH)
)
region_level = choice_parser(
    label_table(RegionLevel.choices, _synonyms(LEVEL_ZH)), _allowed(LEVEL_ZH)
)

_GRADES = {cells.normal_key(value): value for value in Grade.values}
_GRADES.update({cells.normal_key("A" * int(value[0])): value for value in Grade.values})
_NO_GRADE = {"无", "未评估", "-", "—", "none"}


def grade(value) -> str:
    """1A–5A, also written AAAAA or 5A级; 无 (none) clears it."""
    raw = cells.normal_key(cells.text(value)).removesuffix("级")
    if raw in _NO_GRADE:
        return ""
    found = _GRADES.get(raw)
    if found is None:
        raise cells.CellError(
            _("%(value)s is not an evaluation grade (1A to 5A, or 无)")
            % {"value": cells.text(value)}
        )
    return found


class Vocabulary:
    """Categories and target groups, loaded once per import (two queries)."""

    def __init__(self):
        self.categories: dict[str, int] = {}
        self.groups: dict[str, int] = {}
        for row in ServiceCategory.objects.all():
            for name in (row.code, row.name, row.name_en):
                if name:
                    self.categories[cells.normal_key(name)] = row.pk
        for row in TargetGroup.objects.all():
            for name in (row.code, row.name, row.name_en):
                if name:
                    self.groups[cells.normal_key(name)] = row.pk


UNKNOWN_CATEGORY = gettext_lazy("unknown service category: %(value)s (see the template's list)")
UNKNOWN_GROUP = gettext_lazy("unknown target group: %(value)s (see the template's list)")
