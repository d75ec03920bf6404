"""The named community's projects, written by hand: one in every state (see the package's
docstring), and the proposal its residents voted down."""

from dataclasses import dataclass
from decimal import Decimal

from projects.choices import ProjectStatus

from ..organizations import DATONG, LITTLE_BEES, XINGCHEN

S = ProjectStatus


@dataclass(frozen=True)
class Spec:
    target: str
    title: str  # "" takes the need's title
    code: str
    budget: int
    funding: tuple[tuple[str, int], ...]  # (payer kind, amount)
    bidders: tuple[str, ...] = ()  # organization names; "*" picks one nearby
    winner: int = 0  # index into bidders
    previous_year: bool = False
    need: str | None = None  # category code of the community's need the project comes from
    directed: bool = False
    cancel_from: str | None = None
    start_on: tuple[int, int] | None = None
    pending_reviews: bool = False  # reviewer_demo scored only the first bid


MULIAN_SPECS = (
    Spec(S.DRAFT, "木莲社区长者助餐点运营服务项目", "elderly_meals", 40000, (("fund", 40000),)),
    Spec(
        S.PUBLISHED,
        "木莲社区“四点半课堂”青少年课后托管服务",
        "after_school",
        80000,
        (("fund", 30000), ("district", 50000)),
        (XINGCHEN, "*"),
    ),
    Spec(
        S.REVIEWING,
        "木莲社区独居老人“敲门行动”上门探访项目",
        "elderly_home_visits",
        60000,
        (("charity", 60000),),
        (XINGCHEN, DATONG, "*"),
        pending_reviews=True,
    ),
    Spec(
        S.AWARDED,
        "木莲社区邻里纠纷“和事佬”调解服务",
        "neighbour_mediation",
        50000,
        (("district", 50000),),
        ("*", XINGCHEN),
        winner=1,
    ),
    Spec(
        S.IN_PROGRESS,
        "木莲社区居家养老综合服务项目",
        "elderly_care",
        120000,
        (("city", 120000),),
        (XINGCHEN, DATONG, "*"),
    ),
    Spec(
        S.IN_PROGRESS,
        "",
        "party_units",
        60000,
        (("fund", 60000),),
        (LITTLE_BEES,),
        need="party_units",
        directed=True,
        start_on=(6, 1),
    ),
    Spec(
        S.ACCEPTANCE,
        "木莲社区垃圾分类“绿色账户”宣传督导服务",
        "waste_sorting",
        45000,
        (("district", 45000),),
        (XINGCHEN, "*"),
    ),
    Spec(
        S.RECTIFICATION,
        "木莲社区残疾人“彩虹”康复互助小组",
        "community_rehab",
        70000,
        (("charity", 70000),),
        (DATONG, XINGCHEN),
    ),
    Spec(
        S.COMPLETED,
        "木莲社区“邻里守望”社区营造项目",
        "public_space",
        60000,
        (("fund", 60000),),
        (XINGCHEN, "*"),
    ),
    Spec(
        S.COMPLETED,
        "木莲社区困难家庭“微心愿”帮扶项目",
        "hardship_assistance",
        40000,
        (("enterprise", 40000),),
        ("*", "*"),
    ),
    Spec(
        S.FAILED,
        "木莲社区青年志愿者骨干培育项目",
        "volunteer_management",
        30000,
        (("district", 30000),),
    ),
    Spec(
        S.CANCELLED,
        "木莲社区楼道文化墙共建服务",
        "culture_sports",
        35000,
        (("district", 35000),),
        (XINGCHEN, "*"),
        cancel_from=S.REVIEWING,
    ),
    Spec(
        S.COMPLETED,
        "木莲社区长者助餐服务（{year}年度）",
        "elderly_meals",
        60000,
        (("district", 60000),),
        (XINGCHEN, DATONG),
        previous_year=True,
    ),
    Spec(
        S.COMPLETED,
        "木莲社区“四点半课堂”服务（{year}年度）",
        "after_school",
        50000,
        (("district", 50000),),
        (DATONG, XINGCHEN),
        previous_year=True,
    ),
)
MULIAN_REJECTED = {
    "subject": "关于使用惠民项目资金安装智能快递柜的提议",
    "amount": Decimal(50000),
    "minutes": "多数代表认为快递柜应由物业和企业投入，不宜占用惠民项目资金，提议未获通过。",
}
