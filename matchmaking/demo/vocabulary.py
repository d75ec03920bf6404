"""Words the demo seed builds names from: communities, organizations, enterprises.

Names follow the patterns seen in Changsha's registers (e.g. 木莲社区, 长沙县星辰社会工作发展中心);
the words themselves are ordinary and invented combinations, not a copy of any real register.
"""


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Two-character words for generated community names ("<word>社区").
COMMUNITY_WORDS = _words(
    "桂花 南湖 白沙 书院 青山 杏林 碧湘 湘春 东茅 西湖 荷花 枫林 芙蓉 桃花 梅岭 兰亭 "
    "竹园 松柏 望月 朝阳 向阳 东风 新华 新民 新塘 金桥 银桥 铁道 电力 工农 园艺 映月 "
    "星沙 龙泉 凤凰 麒麟 狮子 燕山 湘江 浏河 沩水 靳江 捞刀 圭塘 洞井 井湾 侯家 赤岗 "
    "长塘 白果 黄花 榔梨 泉塘 湘龙 松雅 开元 万家 三角 丽都 锦绣 华庭 嘉园 和平 友谊 "
    "团结 幸福 康宁 安居 乐和 永安 长兴 兴旺 德润 仁和 怀德 崇文 尚礼 育才 明珠 翠微 "
    "清水 碧泉 石塘 柳塘 莲湖 沙湖 杉木 樟树 栗山 梓园 大桥 双桥 石桥 虹桥 古井 老街 "
    "南门 北门 西园 东岸 中山 解放 红星 晨光 曙光 春华 秋实 丰收 金霞 银星 湘华 湘府 "
    "桃源 岳华 天健 文昌 文源 科园 学府 润和 汇景 观澜 滨江 江湾 湖畔 山水 紫薇 丁香"
)

# Two-character words for generated organization names (without the article's 星辰 and 大同,
# so a generated name never equals a named organization).
ORG_WORDS = _words(
    "阳光 同心 和美 暖阳 善行 仁爱 明德 朝晖 春晖 益家 乐龄 启航 心桥 彩虹 长青 致远 "
    "博爱 恒爱 至善 厚德 睦邻 邻里 友善 守望 携手 共享 融爱 康乐 安心 馨园 晨曦 曙光 "
    "绿洲 绿源 蓝天 青禾 禾苗 萤火 星火 微光 拾光 润心 麓山 湘韵 橘洲 楚才 惟楚 心语 "
    "心悦 知心 同行 众行 益路 爱心 红枫 金秋 夕阳 慈航 扬帆 展翅 雏鹰 童心 梦想 希望 "
    "繁星 百合 春雨 乐善 汇爱 聚善 立德 弘德 崇仁 和谐 民安 家和 悦享 乐活 健康 康馨"
)

# Registered-name endings by organization type, each with the parent service category the
# name suggests (None: a general-purpose agency that works in any field).
ORG_SUFFIXES = {
    "social_service": (
        ("社会工作服务中心", None),
        ("社工服务站", None),
        ("社会工作发展中心", None),
        ("公益发展中心", None),
        ("社区发展中心", "community_building"),
        ("养老服务中心", "elderly_care"),
        ("居家养老服务中心", "elderly_care"),
        ("康复服务中心", "disability"),
        ("残疾人服务中心", "disability"),
        ("青少年服务中心", "youth"),
        ("心理咨询服务中心", "mental_health"),
        ("人民调解服务中心", "mediation"),
        ("家庭综合服务中心", None),
        ("文化传播中心", "culture"),
        ("环保公益服务中心", "environment"),
    ),
    "social_group": (
        ("志愿者协会", "volunteering"),
        ("义工联合会", "volunteering"),
        ("慈善协会", "charity"),
        ("老年协会", "elderly_care"),
        ("社区社会组织联合会", "community_building"),
        ("文化艺术促进会", "culture"),
        ("环保志愿者协会", "environment"),
        ("社会工作协会", None),
        ("助残志愿者协会", "disability"),
    ),
    "foundation": (
        ("慈善基金会", "charity"),
        ("公益基金会", "charity"),
        ("教育基金会", "youth"),
    ),
}

# Share of each organization type among generated organizations.
ORG_TYPE_WEIGHTS = {"social_service": 50, "social_group": 45, "foundation": 5}

# Brand words quoted in offering and need titles (“暖心”助餐).
BRANDS = _words(
    "暖心 同心 邻里 阳光 彩虹 向日葵 微光 乐龄 夕阳红 益路同行 守望 萤火虫 小橘灯 "
    "红石榴 手拉手 心连心 蒲公英 幸福里 家门口 一米阳光 时光 同行 暖阳 绿色"
)

# Caring enterprises (爱心企业): invented names "湖南<word><industry>有限公司".
ENTERPRISE_WORDS = ("湘聚", "麓谷", "星城", "润和", "新湘", "橘洲", "楚天", "湘银")
ENTERPRISE_INDUSTRIES = (
    ("置业", "elderly_care"),
    ("食品", "charity"),
    ("医药", "disability"),
    ("教育科技", "youth"),
    ("环境科技", "environment"),
)

# Staff positions of a residents' committee.
STAFF_POSITIONS = ("社区党委书记", "社区居委会主任", "社区专职工作者", "网格员")


def district_short_name(name: str) -> str:
    """芙蓉区 → 芙蓉, 浏阳市 → 浏阳; a county keeps 县 (长沙县) as the bare word is the city."""
    if name.endswith("县"):
        return name
    return name[:-1] if name.endswith(("区", "市")) else name


def street_short_name(name: str) -> str:
    """城南路街道 → 城南路, 黄兴镇 → 黄兴."""
    for ending in ("街道", "镇", "乡"):
        if name.endswith(ending) and len(name) > len(ending) + 1:
            return name[: -len(ending)]
    return name
