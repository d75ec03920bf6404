"""Seed the service-category taxonomy and target groups named in the programme (DOMAIN.md)."""

from django.db import migrations

CATEGORIES = [
    ("elderly_care", "居家养老", "Home-based elderly care", [
        ("elderly_meals", "老年助餐", "Meal assistance"),
        ("elderly_home_visits", "上门探访", "Home visits"),
        ("elderly_day_care", "日间照料", "Day care"),
        ("elderly_health", "健康管理", "Health management"),
    ]),
    ("mediation", "矛盾纠纷调解", "Dispute mediation", [
        ("neighbour_mediation", "邻里纠纷调解", "Neighbour disputes"),
        ("family_mediation", "婚姻家庭调解", "Family disputes"),
        ("legal_aid", "法律咨询援助", "Legal advice and aid"),
    ]),
    ("charity", "慈善互助", "Charity and mutual aid", [
        ("hardship_assistance", "困难帮扶", "Hardship assistance"),
        ("neighbour_mutual_aid", "邻里互助", "Neighbourly mutual aid"),
        ("charity_fundraising", "爱心募捐", "Charity fundraising"),
    ]),
    ("culture", "文化娱乐", "Culture and recreation", [
        ("culture_sports", "文体活动", "Culture and sports activities"),
        ("community_reading", "社区阅读", "Community reading"),
        ("traditional_festivals", "传统节庆", "Traditional festivals"),
    ]),
    ("disability", "助残服务", "Disability rehabilitation and integration", [
        ("community_rehab", "社区康复", "Community rehabilitation"),
        ("emotional_support", "情绪辅导", "Emotional counselling"),
        ("social_integration", "社区融合", "Social integration"),
        ("empowerment", "赋能赋权", "Empowerment"),
    ]),
    ("youth", "青少年服务", "Children and youth", [
        ("after_school", "四点半课堂", "After-school care"),
        ("child_protection", "儿童保护", "Child protection"),
        ("youth_development", "青少年成长", "Youth development"),
    ]),
    ("party_building", "党建服务", "Party-building", [
        ("party_units", "党建单元", "Party-building units"),
        ("party_volunteering", "党员志愿服务", "Party-member volunteering"),
    ]),
    ("environment", "环境保护", "Environmental protection", [
        ("waste_sorting", "垃圾分类", "Waste sorting"),
        ("green_community", "绿色社区", "Green community"),
    ]),
    ("community_building", "社区营造", "Community building", [
        ("resident_deliberation", "居民议事", "Resident deliberation"),
        ("grassroots_orgs", "社区社会组织培育", "Incubating community groups"),
        ("public_space", "公共空间营造", "Public space"),
    ]),
    ("mental_health", "心理健康", "Mental health", [
        ("counselling", "心理咨询", "Counselling"),
        ("crisis_intervention", "危机干预", "Crisis intervention"),
    ]),
    ("volunteering", "志愿服务", "Volunteer services", [
        ("volunteer_management", "志愿者管理", "Volunteer management"),
        ("time_bank", "时间银行", "Time bank"),
    ]),
]

TARGET_GROUPS = [
    ("elderly", "老年人", "Elderly"),
    ("disabled", "残疾人", "People with disabilities"),
    ("children", "儿童", "Children"),
    ("youth", "青少年", "Youth"),
    ("hardship_families", "困难家庭", "Families in hardship"),
    ("women", "妇女", "Women"),
    ("migrants", "流动人口", "Migrant residents"),
    ("all_residents", "全体居民", "All residents"),
]


def forwards(apps, schema_editor):
    Category = apps.get_model("communities", "ServiceCategory")
    TargetGroup = apps.get_model("communities", "TargetGroup")
    for order, (code, name, name_en, children) in enumerate(CATEGORIES, start=1):
        parent, _ = Category.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "parent": None, "sort_order": order},
        )
        for child_order, (child_code, child_name, child_en) in enumerate(children, start=1):
            Category.objects.update_or_create(
                code=child_code,
                defaults={
                    "name": child_name,
                    "name_en": child_en,
                    "parent": parent,
                    "sort_order": child_order,
                },
            )
    for order, (code, name, name_en) in enumerate(TARGET_GROUPS, start=1):
        TargetGroup.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("communities", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
