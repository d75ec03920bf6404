"""Build import files in memory, and rows of every kind in bulk, for the import tests."""

import csv
import io
from decimal import Decimal

from openpyxl import Workbook

from orgs import uscc

NEEDS_HEADER = [
    "社区区划代码",
    "需求标题",
    "服务类别",
    "服务对象",
    "受益人数",
    "预算（元）",
    "开始日期",
    "结束日期",
    "需求描述",
    "发布",
]
COMMUNITY_HEADER = [
    "社区区划代码",
    "社区名称",
    "户数",
    "居民人数",
    "60岁以上老年人数",
    "社区工作者人数",
    "持证社工人数",
]
REGION_HEADER = ["区划代码", "名称", "上级区划代码", "层级"]
ORG_HEADER = ["统一社会信用代码", "机构名称", "机构类型", "登记区划代码", "评估等级", "已核验"]
WORKER_HEADER = ["机构统一社会信用代码", "姓名", "证书等级", "证书编号"]
OFFERING_HEADER = [
    "机构统一社会信用代码",
    "服务名称",
    "服务类别",
    "服务对象",
    "服务区域代码",
    "可同时承接项目数",
    "最低价格（元）",
    "最高价格（元）",
    "发布",
]
RESOURCE_HEADER = [
    "资源名称",
    "提供方类型",
    "提供方",
    "年度",
    "金额（元）",
    "适用区划代码",
    "社区区划代码",
    "适用服务类别",
    "发布",
]


def xlsx(*sheets: tuple[str, list[list]]) -> bytes:
    """A workbook with the given (sheet name, rows) — rows include the header."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets:
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def credit_code(n: int, district: str = "430103", kind: str = "52") -> str:
    return uscc.make(kind, district, f"MK{n:06d}")


# --- rows of each kind, numbered from `start` so two batches do not share natural keys ------


def needs(communities: list[str], n: int, start: int = 0, budget: str = "50000") -> list[list]:
    return [list(NEEDS_HEADER)] + [
        [
            communities[i % len(communities)],
            f"导入需求{i}",
            "老年助餐",
            "老年人、残疾人",
            100,
            budget,
            "2026-03-01",
            "2026-12-31",
            "描述",
            "是",
        ]
        for i in range(start, start + n)
    ]


def streets_and_communities(
    n: int, start: int = 0, district: str = "430103", name: str = "导入社区"
) -> list[list]:
    """Region rows: a new street per 500 communities, then the communities under it."""
    rows = [list(REGION_HEADER)]
    for i in range(start, start + n):
        street, number = divmod(i, 500)
        street_code = f"{district}{500 + street:03d}000"
        if number == 0 or i == start:
            rows.append([street_code, f"导入街道{street}", "", "街道"])
        rows.append(
            [f"{district}{500 + street:03d}{number + 1:03d}", f"{name}{i}", street_code, "社区"]
        )
    return rows


def communities(streets: list[str], n: int, start: int = 0, staff: int = 10) -> list[list]:
    """Community rows under existing streets, up to 900 per street."""
    return [list(COMMUNITY_HEADER)] + [
        [f"{streets[i // 900][:9]}{i % 900 + 100:03d}", f"导入社区{i}", 3000, 9000, 2000, staff, 4]
        for i in range(start, start + n)
    ]


def orgs(n: int, start: int = 0, grade: str = "4A") -> list[list]:
    return [list(ORG_HEADER)] + [
        [credit_code(i), f"导入社会工作服务中心{i}", "社会服务机构", "430103000000", grade, "是"]
        for i in range(start, start + n)
    ]


def workers(n: int, start: int = 0, level: str = "社会工作师") -> list[list]:
    return [list(WORKER_HEADER)] + [
        [credit_code(i), f"社工{i}", level, f"SGIMP{i:07d}"] for i in range(start, start + n)
    ]


def offerings(org_code: str, n: int, start: int = 0, capacity: int = 2) -> list[list]:
    return [list(OFFERING_HEADER)] + [
        [
            org_code,
            f"导入服务{i}",
            "上门探访",
            "老年人",
            "430103000000",
            capacity,
            "30000",
            "80000",
            "是",
        ]
        for i in range(start, start + n)
    ]


def resources(n: int, start: int = 0, amount: Decimal | str = "500000") -> list[list]:
    return [list(RESOURCE_HEADER)] + [
        [
            f"导入资金{i}",
            "政府购买服务",
            "天心区民政局",
            2026,
            str(amount),
            "430103000000",
            "",
            "居家养老、助残服务",
            "是",
        ]
        for i in range(start, start + n)
    ]


def run(kind, rows=None, *, sheets=None, fmt="xlsx", actor=None, dry_run=False):
    """Import `rows` (or several named `sheets`) as a file of format `fmt`."""
    from matchmaking.imports import import_file

    data = xlsx(*(sheets or [("Sheet1", rows)])) if fmt == "xlsx" else csv_bytes(rows)
    return import_file(kind=kind, data=data, filename=f"upload.{fmt}", actor=actor, dry_run=dry_run)
