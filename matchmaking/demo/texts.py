"""Title and description templates per service category, and the target groups each serves.

Keys are the category codes of `communities/migrations/0002_taxonomy.py`. Need templates may
use {community}, {street}, {elderly}, {disabled}, {households}, {n}; offering templates
{org}, {district}, {brand}. A description is the category's lead sentence plus up to two
sentences from its parent's pool, so they read like entries of the yearly handbooks.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class CategoryText:
    need_titles: tuple[str, ...]
    need_lead: str
    offer_titles: tuple[str, ...]
    offer_lead: str
    groups: tuple[str, ...]


@dataclass(frozen=True)
class ParentText:
    """Sentences shared by a parent category and its children, plus its extra groups."""

    need_more: tuple[str, ...]
    offer_more: tuple[str, ...]
    optional_groups: tuple[str, ...] = ()


T = CategoryText

CATEGORY_TEXTS: dict[str, CategoryText] = {
    # 居家养老
    "elderly_care": T(
        ("{community}居家养老综合服务项目", "{community}“{brand}”为老服务项目"),
        "社区60岁以上老年人{elderly}人，空巢、独居老人占比较高，居家养老服务需求旺盛。",
        ("“{brand}”居家养老综合服务", "社区居家养老服务站运营"),
        "为社区老年人提供生活照料、精神慰藉、健康管理和文体活动等居家养老综合服务。",
        ("elderly",),
    ),
    "elderly_meals": T(
        ("{community}长者助餐服务", "{community}“爱心食堂”老年助餐项目"),
        "社区有高龄、独居老人约{n}人，就餐不便的问题突出，希望开设长者助餐点并提供送餐上门。",
        ("“{brand}”长者食堂助餐服务", "老年人营养配餐与送餐上门服务"),
        "依托社区食堂为老年人提供营养配餐、集中就餐和送餐上门服务，兼顾慢病老人的饮食需求。",
        ("elderly",),
    ),
    "elderly_home_visits": T(
        ("{community}独居老人上门探访项目", "{community}空巢老人“敲门行动”"),
        "社区独居、空巢及失能老人约{n}人，需要定期上门探访，及时发现安全隐患和困难。",
        ("独居老人“{brand}”探访关爱服务", "空巢老人定期上门探访服务"),
        "组织社工和志愿者定期上门探访独居、空巢老人，建立一人一档，提供安全检查和情感陪伴。",
        ("elderly",),
    ),
    "elderly_day_care": T(
        ("{community}日间照料中心运营服务", "{community}老年人日间照料项目"),
        "社区日间照料中心已建成，需引入专业机构运营，为半失能老人提供日间托养和康复活动。",
        ("社区日间照料中心专业化运营", "“{brand}”老年日间托养服务"),
        "承接社区日间照料中心运营，提供日间托养、康复训练、午餐午休和兴趣小组活动。",
        ("elderly",),
    ),
    "elderly_health": T(
        ("{community}老年人健康管理服务", "{community}慢病老人健康守护项目"),
        "社区患高血压、糖尿病等慢性病的老年人较多，需要常态化的健康监测和健康教育。",
        ("老年人慢病管理与健康教育", "“{brand}”长者健康小屋服务"),
        "联合社区卫生服务中心为老年人提供健康档案、定期体检、慢病随访和健康讲座。",
        ("elderly",),
    ),
    # 矛盾纠纷调解
    "mediation": T(
        ("{community}矛盾纠纷多元调解项目", "{community}“和事佬”调解服务"),
        "社区老旧小区多，物业、停车、噪音等矛盾时有发生，需要专业力量参与调解。",
        ("社区矛盾纠纷多元化解服务", "“{brand}”调解工作室服务"),
        "组建由社工、律师和居民骨干组成的调解队伍，开展矛盾排查和纠纷调解。",
        ("all_residents",),
    ),
    "neighbour_mediation": T(
        ("{community}邻里纠纷调解项目", "{community}“好邻居”议事调解服务"),
        "近年来社区邻里之间因漏水、噪音、公共空间占用引发的纠纷增多，亟需化解机制。",
        ("邻里纠纷调解与关系修复服务", "“{brand}”邻里调解室"),
        "在社区设立调解室，运用社会工作方法化解邻里纠纷，修复邻里关系。",
        ("all_residents",),
    ),
    "family_mediation": T(
        ("{community}婚姻家庭纠纷调解服务", "{community}和谐家庭建设项目"),
        "社区婚姻家庭矛盾求助逐年增加，部分家庭存在沟通障碍，需要专业介入。",
        ("婚姻家庭矛盾调解与辅导", "“{brand}”家庭关系辅导服务"),
        "为有婚姻家庭矛盾的居民提供个案辅导、家庭会谈和调解服务，预防矛盾激化。",
        ("women", "all_residents"),
    ),
    "legal_aid": T(
        ("{community}居民法律咨询服务", "{community}“法律明白人”培育项目"),
        "居民在劳动争议、房屋租赁、赡养等方面的法律咨询需求较多，希望有律师定期驻点。",
        ("社区法律咨询与援助服务", "“{brand}”法律服务进社区"),
        "安排律师定期驻社区坐班，提供法律咨询、法律援助转介和普法宣传。",
        ("all_residents", "migrants"),
    ),
    # 慈善互助
    "charity": T(
        ("{community}慈善互助服务项目", "{community}“{brand}”慈善超市运营"),
        "社区低保、低收入家庭和困难群众较多，需要整合慈善资源开展常态化帮扶。",
        ("社区慈善互助服务", "“{brand}”社区慈善超市运营"),
        "链接爱心企业和慈善资源，运营社区慈善超市，开展物资募集和精准帮扶。",
        ("hardship_families",),
    ),
    "hardship_assistance": T(
        ("{community}困难家庭精准帮扶项目", "{community}“微心愿”帮扶行动"),
        "社区有低保、低边及因病致困家庭约{n}户，需要入户评估并开展个案帮扶。",
        ("困难家庭个案帮扶服务", "“{brand}”困境家庭支持计划"),
        "对困难家庭开展入户评估，制定帮扶计划，链接救助政策与社会资源。",
        ("hardship_families",),
    ),
    "neighbour_mutual_aid": T(
        ("{community}邻里互助网络建设", "{community}“邻里守望”互助项目"),
        "社区外来人口和新迁入居民多，邻里之间联系少，希望培育互助小组。",
        ("邻里互助小组培育服务", "“{brand}”邻里守望互助计划"),
        "以楼栋为单元培育邻里互助小组，建立互助清单，推动居民互帮互助。",
        ("all_residents", "migrants"),
    ),
    "charity_fundraising": T(
        ("{community}社区慈善募捐活动", "{community}社区基金筹建项目"),
        "社区希望发动辖区单位和居民参与慈善，建立社区微基金用于帮扶困难群众。",
        ("社区慈善募捐与微基金运营", "“{brand}”社区公益募捐服务"),
        "协助社区策划公益募捐活动，规范管理社区微基金，定期公开善款使用情况。",
        ("hardship_families", "all_residents"),
    ),
    # 文化娱乐
    "culture": T(
        ("{community}社区文化活动项目", "{community}“{brand}”文化进社区"),
        "居民对文化活动需求多样，社区文化活动室利用率不高，需要专业机构策划运营。",
        ("社区文化活动策划与运营", "“{brand}”社区文化节"),
        "策划社区文化节、才艺展演和兴趣班，培育居民文艺队伍。",
        ("all_residents",),
    ),
    "culture_sports": T(
        ("{community}全民健身与文体活动", "{community}文体队伍培育项目"),
        "社区广场舞、太极、合唱等文体队伍有十余支，需要专业指导和活动组织。",
        ("社区文体队伍培育与指导", "“{brand}”全民健身进社区"),
        "为社区文体队伍提供专业指导，组织文体比赛和汇报演出。",
        ("all_residents", "elderly"),
    ),
    "community_reading": T(
        ("{community}书香社区阅读推广", "{community}亲子阅读项目"),
        "社区图书室藏书较多但使用率低，希望开展读书会和亲子阅读活动。",
        ("社区阅读推广服务", "“{brand}”亲子共读计划"),
        "运营社区图书室，组织读书会、亲子阅读和阅读推广人培训。",
        ("children", "all_residents"),
    ),
    "traditional_festivals": T(
        ("{community}传统节庆文化活动", "{community}“我们的节日”系列活动"),
        "居民希望在春节、端午、中秋、重阳等传统节日开展邻里共享的节庆活动。",
        ("“我们的节日”传统节庆活动", "“{brand}”邻里节策划执行"),
        "围绕传统节日策划邻里共享活动，传承湖湘民俗文化，增进邻里感情。",
        ("all_residents",),
    ),
    # 助残服务
    "disability": T(
        ("{community}残疾人综合服务项目", "{community}“{brand}”助残服务"),
        "社区登记残疾人{disabled}人，康复、就业和社会参与方面的需求较为集中。",
        ("残疾人社区综合服务", "“{brand}”助残服务计划"),
        "为残疾人提供康复训练、心理支持、技能培训和社会融合活动。",
        ("disabled",),
    ),
    "community_rehab": T(
        ("{community}残疾人社区康复服务", "{community}居家康复指导项目"),
        "社区有肢体、智力等残疾人约{n}人需要康复训练，康复站缺少专业人员。",
        ("残疾人社区康复训练服务", "“{brand}”居家康复指导"),
        "由康复师和社工上门评估，提供康复训练、辅具适配和家属照护培训。",
        ("disabled",),
    ),
    "emotional_support": T(
        ("{community}残障人士情绪辅导项目", "{community}残疾人家庭心理支持服务"),
        "部分残疾人及其家属长期承受照护压力，情绪问题较多，需要专业辅导。",
        ("残障人士及家属情绪支持服务", "“{brand}”心灵驿站"),
        "开展个案辅导和支持小组，缓解残障人士及家属的情绪压力。",
        ("disabled",),
    ),
    "social_integration": T(
        ("{community}残疾人社区融合活动", "{community}“同在蓝天下”融合项目"),
        "社区残疾人参与公共活动较少，希望通过融合活动消除隔阂。",
        ("残疾人社区融合服务", "“{brand}”融合伙伴计划"),
        "组织残健共融活动和志愿者结对，帮助残疾人走出家门、融入社区。",
        ("disabled", "all_residents"),
    ),
    "empowerment": T(
        ("{community}残疾人赋能就业项目", "{community}残疾人自助组织培育"),
        "有劳动能力的残疾人希望学习技能、增加收入，实现自立自强。",
        ("残疾人技能培训与赋能服务", "“{brand}”自立工坊"),
        "开展手工、电商等技能培训，培育残疾人自助组织，链接就业岗位。",
        ("disabled",),
    ),
    # 青少年服务
    "youth": T(
        ("{community}青少年成长服务项目", "{community}“{brand}”少年成长计划"),
        "社区双职工家庭多，青少年课余时间缺少看护和引导。",
        ("青少年成长综合服务", "“{brand}”少年成长营"),
        "为青少年提供课业辅导、兴趣培养、安全教育和社会实践活动。",
        ("children", "youth"),
    ),
    "after_school": T(
        ("{community}“四点半课堂”项目", "{community}放学后托管服务"),
        "社区小学生放学后无人接送看护的问题突出，家长希望在社区开设四点半课堂。",
        ("“四点半课堂”课后托管服务", "“{brand}”课后成长空间"),
        "在社区开设四点半课堂，提供作业辅导、阅读和兴趣活动，由大学生志愿者协助。",
        ("children",),
    ),
    "child_protection": T(
        ("{community}困境儿童关爱保护项目", "{community}留守儿童关爱服务"),
        "社区有留守、困境儿童约{n}人，需要建立关爱档案并开展个案跟进。",
        ("困境儿童关爱保护服务", "“{brand}”儿童之家运营"),
        "为困境儿童建立档案，开展安全教育、心理关爱和家庭支持服务。",
        ("children", "hardship_families"),
    ),
    "youth_development": T(
        ("{community}青少年社会实践项目", "{community}青少年志愿服务培育"),
        "社区青少年希望在假期参与志愿服务和社会实践，提升综合素质。",
        ("青少年社会实践与领导力培养", "“{brand}”青春成长营"),
        "组织青少年参加志愿服务、职业体验和领导力训练营。",
        ("youth",),
    ),
    # 党建服务
    "party_building": T(
        ("{community}党建引领社区治理项目", "{community}“红色{brand}”党建服务"),
        "社区党员{n}余名，在职党员和非公企业党员参与社区服务的渠道不多。",
        ("党建引领社区治理服务", "“党建+社工”服务"),
        "以党建为核心，组织党员参与社区服务，推动党建与社区治理深度融合。",
        ("all_residents",),
    ),
    "party_units": T(
        ("{community}党建单元共建项目", "{community}区域化党建服务"),
        "社区希望按少儿、青年、老党员等群体组建党建单元，构建资源共享的党建格局。",
        ("社区党建单元运营服务", "“{brand}”党建单元共建"),
        "按群体组建党建单元，开展主题活动，带动辖区单位和居民共建共享。",
        ("all_residents",),
    ),
    "party_volunteering": T(
        ("{community}党员志愿服务项目", "{community}在职党员进社区"),
        "社区报到的在职党员较多，但志愿服务项目化、常态化不够。",
        ("党员志愿服务项目化运营", "“{brand}”党员先锋岗"),
        "设计党员志愿服务岗位，组织在职党员认领服务，记录积分并定期表彰。",
        ("all_residents",),
    ),
    # 环境保护
    "environment": T(
        ("{community}绿色环保宣传项目", "{community}“{brand}”环保行动"),
        "社区环境卫生死角较多，居民环保意识有待提升。",
        ("社区环保宣传与实践服务", "“{brand}”环保行动"),
        "开展环保宣传、清洁家园行动和环保志愿者培育。",
        ("all_residents",),
    ),
    "waste_sorting": T(
        ("{community}垃圾分类督导项目", "{community}垃圾分类示范小区创建"),
        "社区垃圾分类投放准确率不高，需要专业机构开展督导和宣传。",
        ("垃圾分类宣传督导服务", "“{brand}”垃圾分类积分计划"),
        "开展入户宣传和定时定点督导，推行垃圾分类积分兑换，提高分类准确率。",
        ("all_residents",),
    ),
    "green_community": T(
        ("{community}绿色社区创建项目", "{community}屋顶菜园与微花园"),
        "社区希望利用闲置空地建设微花园，带动居民参与绿色社区创建。",
        ("绿色社区创建服务", "“{brand}”社区微花园营造"),
        "组织居民共建微花园和社区菜园，开展节能减排和绿色生活宣传。",
        ("all_residents",),
    ),
    # 社区营造
    "community_building": T(
        ("{community}社区营造项目", "{community}“{brand}”幸福社区建设"),
        "社区新建小区多，居民归属感不强，参与社区事务的积极性不高。",
        ("社区营造与居民参与服务", "“{brand}”幸福社区营造"),
        "以居民需求为导向，挖掘社区能人，推动居民参与社区公共事务。",
        ("all_residents",),
    ),
    "resident_deliberation": T(
        ("{community}居民议事会能力建设", "{community}“有事好商量”议事项目"),
        "社区居民议事会已成立，但议事规则不熟悉，议题落实效果不好。",
        ("居民议事协商能力建设", "“{brand}”议事会陪伴成长"),
        "培训居民议事规则，陪伴议事会开展协商，推动议题落地。",
        ("all_residents",),
    ),
    "grassroots_orgs": T(
        ("{community}社区社会组织培育项目", "{community}居民自组织孵化"),
        "社区已有兴趣类居民团队十余支，希望将其培育为能提供服务的社区社会组织。",
        ("社区社会组织孵化培育服务", "“{brand}”社区组织孵化"),
        "为社区社会组织提供登记备案、能力培训和项目指导，培育社区自我服务力量。",
        ("all_residents",),
    ),
    "public_space": T(
        ("{community}公共空间微改造项目", "{community}邻里中心营造"),
        "社区公共空间少且利用率低，居民希望改造闲置空间用于邻里活动。",
        ("社区公共空间参与式营造", "“{brand}”邻里空间营造"),
        "以参与式设计方法，组织居民共同规划和改造社区公共空间。",
        ("all_residents",),
    ),
    # 心理健康
    "mental_health": T(
        ("{community}居民心理健康服务", "{community}“{brand}”心理服务站"),
        "居民在家庭、工作和学业方面的心理压力较大，社区缺少心理服务力量。",
        ("社区心理健康服务", "“{brand}”心理服务站运营"),
        "在社区开设心理服务站，开展心理健康讲座、团体辅导和个案咨询。",
        ("all_residents",),
    ),
    "counselling": T(
        ("{community}心理咨询服务项目", "{community}青少年心理辅导"),
        "社区青少年学业压力、老年人孤独感等心理问题较为突出。",
        ("社区心理咨询与辅导服务", "“{brand}”心灵陪伴计划"),
        "由持证心理咨询师和社工提供个案咨询、团体辅导和心理测评。",
        ("youth", "elderly", "all_residents"),
    ),
    "crisis_intervention": T(
        ("{community}心理危机干预项目", "{community}特殊人群心理关爱"),
        "社区有部分遭遇重大变故的家庭和特殊人群，需要及时的心理危机干预。",
        ("心理危机干预服务", "“{brand}”危机干预热线"),
        "建立心理危机排查和转介机制，对高风险个案开展干预和跟进。",
        ("hardship_families", "all_residents"),
    ),
    # 志愿服务
    "volunteering": T(
        ("{community}志愿服务项目", "{community}“{brand}”志愿者服务队"),
        "社区志愿者队伍规模不小，但服务项目单一，需要专业化管理。",
        ("社区志愿服务项目化运营", "“{brand}”志愿服务队"),
        "招募和培训志愿者，设计志愿服务项目，开展常态化志愿服务。",
        ("all_residents",),
    ),
    "volunteer_management": T(
        ("{community}志愿者队伍建设项目", "{community}志愿服务站运营"),
        "社区注册志愿者较多但活跃度不高，缺少培训、激励和记录。",
        ("志愿者招募培训与管理", "“{brand}”志愿服务站运营"),
        "建立志愿者招募、培训、激励和记录体系，运营社区志愿服务站。",
        ("all_residents",),
    ),
    "time_bank": T(
        ("{community}“时间银行”互助养老项目", "{community}志愿服务时间银行"),
        "社区低龄老人多，希望通过时间银行让低龄老人服务高龄老人。",
        ("“时间银行”互助服务", "“{brand}”时间银行运营"),
        "建立时间银行，记录志愿服务时长并可兑换服务，推动低龄老人服务高龄老人。",
        ("elderly", "all_residents"),
    ),
}

PARENT_TEXTS: dict[str, ParentText] = {
    "elderly_care": ParentText(
        (
            "希望服务能覆盖高龄、失能和独居老人。",
            "社区可提供活动场地，并动员楼栋长协助入户。",
            "项目需建立服务台账，定期向居民公示。",
        ),
        ("团队有持证社工和养老护理员。", "已在多个社区开展同类服务，老人满意度高。"),
        ("hardship_families",),
    ),
    "mediation": ParentText(
        ("希望建立常态化的矛盾排查机制。", "调解过程需注重保护当事人隐私。"),
        ("调解员均经过专业培训。", "可与司法所、派出所建立联动机制。"),
        ("migrants",),
    ),
    "charity": ParentText(
        ("帮扶情况需建立台账并接受居民监督。", "希望链接辖区爱心企业共同参与。"),
        ("善款和物资使用全程公开。", "与多家爱心企业建立了长期合作。"),
        ("elderly", "disabled"),
    ),
    "culture": ParentText(
        ("活动需兼顾老年人、青少年等不同群体。", "社区可提供文化活动室和广场。"),
        ("拥有专业的文艺指导老师团队。", "可培育社区文艺骨干，服务结束后队伍可持续运作。"),
        ("children", "elderly"),
    ),
    "disability": ParentText(
        ("希望服务能帮助残疾人自立自信。", "需与社区康复站、残联专干做好衔接。"),
        ("团队有康复师和持证社工。", "服务注重发挥残疾人自身的能力和优势。"),
        ("hardship_families",),
    ),
    "youth": ParentText(
        ("活动需确保儿童安全，家长可参与。", "希望利用寒暑假开展集中活动。"),
        ("服务人员均有儿童服务经验。", "与辖区学校和高校志愿者团队有合作基础。"),
        ("hardship_families",),
    ),
    "party_building": ParentText(
        ("项目需由社区党组织统筹。", "希望带动辖区非公企业党组织共同参与。"),
        ("以党建为核心，通过价值、服务、专业引领社区服务。", "可为社区培育党员志愿者骨干。"),
        ("elderly", "youth"),
    ),
    "environment": ParentText(
        ("希望带动物业公司和业委会共同参与。", "项目结束后需形成可持续的居民自管机制。"),
        ("曾协助多个小区创建垃圾分类示范点。", "活动形式多样，适合亲子家庭参与。"),
        ("children",),
    ),
    "community_building": ParentText(
        ("希望激活社区里沉睡的力量。", "服务需注重培育社区自身的服务能力。"),
        ("注重培育本土力量，机构退出后服务能力不回弹。", "采用参与式方法，居民全程参与。"),
        ("migrants",),
    ),
    "mental_health": ParentText(
        ("服务需严格保护居民隐私。", "希望建立转介医疗机构的通道。"),
        ("团队有国家二级心理咨询师。", "建立了规范的个案管理和督导制度。"),
        ("women", "youth"),
    ),
    "volunteering": ParentText(
        ("希望志愿服务时长能记录并兑换激励。", "需与社区新时代文明实践站做好衔接。"),
        ("有成熟的志愿者培训课程。", "已培育志愿服务队数十支。"),
        ("youth",),
    ),
}
