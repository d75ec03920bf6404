"""The numbers and texts the projects stage draws from: how the year's projects across the
city spread over states and payers, the expert pool, and what people write."""

from decimal import Decimal

from projects.choices import ProjectStatus

S = ProjectStatus
MULIAN = "木莲社区"
HUNDRED = Decimal(100)
# States of the year's projects across the city, as weights: most work of the year is done or
# under way; a few projects are at each earlier step or went wrong.
CITY_STATES = {
    S.COMPLETED: 34,
    S.IN_PROGRESS: 26,
    S.ACCEPTANCE: 6,
    S.RECTIFICATION: 2,
    S.AWARDED: 5,
    S.REVIEWING: 6,
    S.PUBLISHED: 9,
    S.DRAFT: 4,
    S.FAILED: 4,
    S.CANCELLED: 4,
}
# How a city project is paid for, as weights (the fund may be topped up by the district).
PAYERS = {"fund": 35, "district": 35, "city": 10, "charity": 10, "enterprise": 10}
REVIEWERS, SUPERVISORS = 12, 6  # generated experts beside reviewer_demo and supervisor_demo
EXPERT_AFFILIATIONS = (
    "湖南师范大学社会工作系",
    "长沙民政职业技术学院",
    "中南大学社会学系",
    "长沙市社会工作者协会",
    "湖南省社会组织评估中心",
    "长沙市民政局专家库",
)

# --- texts (data, in Chinese whatever the language of the command) -------------------------

PROPOSALS = (
    "{org}组建项目团队{team}，按照“需求评估—方案设计—服务实施—成效评估”四个阶段推进，"
    "计划服务{n}人，每月开展小组或社区活动不少于{events}场。",
    "依托{org}在本领域的服务经验，项目打造“{brand}”服务品牌，采用个案、小组、社区活动相结合的"
    "方式，链接辖区志愿者和爱心企业资源，预计服务{n}人。",
    "{org}拟派驻社工每周驻点社区{days}天{team}，建立服务对象档案，开展需求调研、专业服务和"
    "志愿者培育，项目结束时形成可复制的服务模式。",
)
REVIEW_COMMENTS = (
    "方案思路清晰，团队配置合理。",
    "需求分析到位，预算编制较细。",
    "服务内容与社区需求契合度较高，建议细化成效指标。",
    "机构同类项目经验丰富，执行保障较好。",
    "团队经验尚浅，方案可操作性一般。",
)
REPORTS = (
    "本期开展主题活动{events}场，入户走访{homes}户，累计服务{served}人次；新建服务对象档案{files}份。",
    "本期完成需求评估，开展小组活动{events}场、社区活动{big}场，累计服务{served}人次，"
    "招募培训志愿者{volunteers}名。",
    "本期重点跟进个案{cases}个，开展主题活动{events}场，累计服务{served}人次，抽样满意度{sat}%。",
)
FINDINGS = {
    5: (
        "服务记录完整规范，活动开展扎实，居民反馈积极，社工专业方法运用得当。",
        "项目团队稳定，个案跟进细致，志愿者队伍已能独立开展活动。",
    ),
    4: (
        "服务按计划推进，台账基本齐全；建议加强活动后的成效评估和记录。",
        "团队分工明确，服务对象覆盖面较好；个别活动签到记录不全，已现场指导补充。",
    ),
    3: ("服务进度略滞后于计划，部分活动形式单一，建议调整排期并增加入户频次。",),
}
FINAL_REPORT = (
    "项目周期内共开展各类活动{events}场，服务{served}人次，建立服务档案{files}份，"
    "培育社区志愿者{volunteers}名，居民满意度{sat}%。项目资料已整理归档，申请验收。"
)
RECTIFIED_REPORT = (
    "已按验收意见完成整改：补齐活动签到和影像记录，追加开展入户服务{events}场，"
    "累计服务{served}人次。整改材料一并提交，申请重新验收。"
)
PASS_COMMENTS = (
    "服务目标全部完成，资金使用规范，档案资料齐全，同意通过验收。",
    "项目成效明显，居民满意度高，同意通过验收，建议作为优秀项目推广。",
    "主要指标完成，资料基本齐全，同意通过验收；建议加强服务的持续性。",
)
FAIL_COMMENTS = (
    "服务台账不完整，部分活动缺少签到和影像记录，服务人次未达到合同约定，"
    "请限期整改后重新提交结项报告。"
)
FAIL_FINAL_COMMENTS = "整改后服务人次仍未达到合同约定，验收不通过，未支付资金退回原渠道。"
CANCEL_REASONS = (
    "社区服务场地改造工期延长，项目无法按期实施，经社区与街道协商决定取消。",
    "该需求已纳入区级统一购买服务项目，为避免重复购买，取消本项目。",
    "承接机构因人员变动无法继续履约，经双方协商一致终止项目，剩余资金退回。",
)
DIRECTED_REASON = "定向委托：该组织已在社区运营相关服务，经居民代表会议同意继续承接。"
DECISION_MINUTES = (
    "会议听取了社区居委会关于{year}年惠民项目资金使用方案的说明，与会代表逐项讨论后"
    "举手表决。方案拟安排资金{amount}元，用于购买社会组织专业服务。"
)
