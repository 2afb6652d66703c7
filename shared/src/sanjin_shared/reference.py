"""Reference data of the campaign: the 32 reporting units and the enumerations, with Chinese labels.

Pure data, no I/O. The order of PROVINCES is the GB/T 2260 order, with the Xinjiang Production
and Construction Corps (660000, no GB/T 2260 code) last, as in the campaign's statistics table.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Self

from pydantic import AfterValidator

PROVINCES: dict[str, str] = {
    "110000": "北京市",
    "120000": "天津市",
    "130000": "河北省",
    "140000": "山西省",
    "150000": "内蒙古自治区",
    "210000": "辽宁省",
    "220000": "吉林省",
    "230000": "黑龙江省",
    "310000": "上海市",
    "320000": "江苏省",
    "330000": "浙江省",
    "340000": "安徽省",
    "350000": "福建省",
    "360000": "江西省",
    "370000": "山东省",
    "410000": "河南省",
    "420000": "湖北省",
    "430000": "湖南省",
    "440000": "广东省",
    "450000": "广西壮族自治区",
    "460000": "海南省",
    "500000": "重庆市",
    "510000": "四川省",
    "520000": "贵州省",
    "530000": "云南省",
    "540000": "西藏自治区",
    "610000": "陕西省",
    "620000": "甘肃省",
    "630000": "青海省",
    "640000": "宁夏回族自治区",
    "650000": "新疆维吾尔自治区",
    "660000": "新疆生产建设兵团",
}
XPCC = "660000"
PROVINCES_EN: dict[str, str] = {
    "110000": "Beijing",
    "120000": "Tianjin",
    "130000": "Hebei",
    "140000": "Shanxi",
    "150000": "Inner Mongolia",
    "210000": "Liaoning",
    "220000": "Jilin",
    "230000": "Heilongjiang",
    "310000": "Shanghai",
    "320000": "Jiangsu",
    "330000": "Zhejiang",
    "340000": "Anhui",
    "350000": "Fujian",
    "360000": "Jiangxi",
    "370000": "Shandong",
    "410000": "Henan",
    "420000": "Hubei",
    "430000": "Hunan",
    "440000": "Guangdong",
    "450000": "Guangxi",
    "460000": "Hainan",
    "500000": "Chongqing",
    "510000": "Sichuan",
    "520000": "Guizhou",
    "530000": "Yunnan",
    "540000": "Tibet",
    "610000": "Shaanxi",
    "620000": "Gansu",
    "630000": "Qinghai",
    "640000": "Ningxia",
    "650000": "Xinjiang",
    "660000": "Xinjiang Production and Construction Corps",
}


def _known_province(code: str) -> str:
    if code not in PROVINCES:
        raise ValueError(f"unknown reporting unit {code!r}: expected one of the 32 province codes")
    return code


ProvinceCode = Annotated[str, AfterValidator(_known_province)]
"""A 6-digit code of one of the 32 reporting units, validated."""


class LabelledEnum(StrEnum):
    """A string enumeration whose members carry a Chinese label for the UI and the exports."""

    label_zh: str

    def __new__(cls, value: str, label_zh: str) -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label_zh = label_zh
        return member

    @classmethod
    def of(cls, value: str) -> Self:
        """The member whose value this is (a ValueError if none is)."""
        for member in cls:
            if member.value == value:
                return member
        raise ValueError(f"{value!r} is not a {cls.__name__}")


class VenueType(LabelledEnum):
    community = ("community", "社区")
    campus = ("campus", "校园")
    township = ("township", "乡镇")
    hospital = ("hospital", "医院")


VENUE_TYPES_EN: dict[VenueType, str] = {
    VenueType.community: "Communities",
    VenueType.campus: "Campuses",
    VenueType.township: "Townships",
    VenueType.hospital: "Hospitals",
}


class EducationFormat(LabelledEnum):
    materials = ("materials", "发放宣传资料")
    consultation = ("consultation", "接受咨询")
    comparison_display = ("comparison_display", "实物对比展示")
    video = ("video", "播放视频资料")


class ProductCategory(LabelledEnum):
    children_products = ("children_products", "儿童用品")
    toys = ("toys", "玩具")
    textiles = ("textiles", "纺织品")
    footwear = ("footwear", "鞋类")
    home_appliances = ("home_appliances", "家用电器")
    electronics = ("electronics", "电子产品")
    furniture = ("furniture", "家具")
    food_contact = ("food_contact", "食品相关产品")
    stationery = ("stationery", "文具")
    sports_goods = ("sports_goods", "体育用品")
    e_bikes = ("e_bikes", "电动自行车")
    decoration_materials = ("decoration_materials", "装饰装修材料")
    cosmetics = ("cosmetics", "化妆品")
    other = ("other", "其他")


class HazardType(LabelledEnum):
    injuries = ("injuries", "机械伤害")
    chemical = ("chemical", "化学危害")
    fire = ("fire", "火灾")
    burns = ("burns", "烧烫伤")
    electric_shock = ("electric_shock", "触电")
    choking = ("choking", "窒息(异物)")
    suffocation = ("suffocation", "窒息(闷堵)")
    strangulation = ("strangulation", "勒颈")
    drowning = ("drowning", "溺水")
    microbiological = ("microbiological", "微生物危害")
    other = ("other", "其他")


class Severity(LabelledEnum):
    none = ("none", "无")
    minor = ("minor", "轻微")
    moderate = ("moderate", "中等")
    severe = ("severe", "严重")
    fatal = ("fatal", "致命")


class RiskLevel(LabelledEnum):
    low = ("low", "低")
    medium = ("medium", "中")
    high = ("high", "高")
    serious = ("serious", "严重")


class ActivityKind(LabelledEnum):
    education = ("education", "宣传教育")
    seminar = ("seminar", "社会共治研讨")
    launch_ceremony = ("launch_ceremony", "启动仪式")


class InspectionService(LabelledEnum):
    """What a technical institution offers at an inspection session (activity 3 of the notice)."""

    testing = ("testing", "免费检测")
    certification = ("certification", "认证咨询")
    consultation = ("consultation", "消费咨询")
    authentication = ("authentication", "真假鉴别")


class InspectionOutcome(LabelledEnum):
    passed = ("pass", "合格")
    failed = ("fail", "不合格")
    genuine = ("genuine", "真品")
    counterfeit = ("counterfeit", "假冒")
    inconclusive = ("inconclusive", "无法判定")
    served = ("served", "已服务")


# The outcomes a result of each service may have (docs/api.md, inspection).
OUTCOMES_BY_SERVICE: dict[InspectionService, frozenset[InspectionOutcome]] = {
    InspectionService.testing: frozenset({InspectionOutcome.passed, InspectionOutcome.failed}),
    InspectionService.authentication: frozenset(
        {InspectionOutcome.genuine, InspectionOutcome.counterfeit, InspectionOutcome.inconclusive}
    ),
    InspectionService.certification: frozenset({InspectionOutcome.served}),
    InspectionService.consultation: frozenset({InspectionOutcome.served}),
}


def labelled_enums() -> dict[str, list[type[LabelledEnum]]]:
    """Every `LabelledEnum` class defined so far, by class name."""
    found: dict[str, list[type[LabelledEnum]]] = {}
    stack: list[type[LabelledEnum]] = list(LabelledEnum.__subclasses__())
    while stack:
        cls = stack.pop()
        found.setdefault(cls.__name__, []).append(cls)
        stack.extend(cls.__subclasses__())
    return found


def label_enumerations(openapi: dict[str, Any]) -> dict[str, Any]:
    """Each enumeration of an OpenAPI document that is a `LabelledEnum` carries its members'
    Chinese labels as `x-enum-labels` ({value: label}), so forms and tables built from the
    document (the web application's) show the labels declared here, not a copy of them. Only
    the API documents get them: the events' JSON Schema snapshots stay bare."""
    enums = labelled_enums()
    for schema in openapi.get("components", {}).get("schemas", {}).values():
        values = schema.get("enum")
        if not values or "title" not in schema:
            continue
        for cls in enums.get(schema["title"], ()):
            if [m.value for m in cls] == values:
                schema["x-enum-labels"] = {m.value: m.label_zh for m in cls}
                break
    return openapi
