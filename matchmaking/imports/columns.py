"""The shape of an importable sheet: its columns, their Chinese and English headers."""

from dataclasses import dataclass, field

from .cells import normal_key


@dataclass(frozen=True)
class Column:
    """One column. `zh` is the header the templates print; `en` and `aliases` are accepted too.

    `note` explains the column on the template's instructions sheet (gettext, English msgid).
    """

    key: str
    zh: str
    en: str
    required: bool = False
    note: str = ""
    aliases: tuple[str, ...] = ()
    example: str = ""

    def names(self) -> set[str]:
        return {header_key(name) for name in (self.zh, self.en, self.key, *self.aliases)}


@dataclass(frozen=True)
class SheetSpec:
    """A sheet of a kind: organizations come with a second sheet of social workers."""

    key: str
    zh: str  # the worksheet's name in the template, and the sheet's label in reports
    en: str
    columns: tuple[Column, ...]
    required: bool = True
    lookup: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        for column in self.columns:
            for name in column.names():
                self.lookup[name] = column

    def column(self, header) -> Column | None:
        return self.lookup.get(header_key(header))

    @property
    def required_columns(self) -> list[Column]:
        return [column for column in self.columns if column.required]


def header_key(header) -> str:
    """How headers are compared: 预算（元）* ≈ 预算(元) ≈ ＂ 预算 (元) ＂; 必填 markers dropped."""
    raw = str(header or "")
    for marker in ("*", "＊", "(必填)", "（必填）", "(required)"):
        raw = raw.replace(marker, "")
    return normal_key(raw)
