"""The survey service's records: the satisfaction survey of a key consumer product with its
questions, and a response to it (ODK-style: one per respondent id). Declared once; see
`sanjin_shared.declaration`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from sanjin_shared.api_types import CampaignId, Text
from sanjin_shared.declaration import Declared
from sanjin_shared.declarations.common import Intake
from sanjin_shared.reference import LabelledEnum, ProductCategory, ProvinceCode

Key = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z_.-]{1,64}$")]
QuestionText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)
]
Dimension = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z_-]{1,40}$")
]
RespondentId = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
]
Channel = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]


class SurveyStatus(LabelledEnum):
    open = ("open", "进行中")
    closed = ("closed", "已结束")


class Question(Declared):
    """One question of a survey, scored 1 to its scale's maximum."""

    id: Key = Field(title="题号", examples=["q1"])
    text: QuestionText = Field(title="题目", examples=["您对所购产品的质量是否满意？"])
    dimension: Dimension = Field(
        title="维度",
        description="e.g. quality, safety, labelling, after_sales, value",
        examples=["quality"],
    )
    scale_max: int = Field(title="量表上限", description="5, 7 or 10", examples=[5])
    weight: float = Field(gt=0, le=100, title="权重", examples=[1.0])
    required: bool = Field(default=True, title="必答")


class SurveyDetails(Declared):
    """What a province writes when it publishes a survey."""

    campaign: CampaignId = Field(title="活动年度", examples=["2019"])
    product_category: ProductCategory = Field(title="产品类别", examples=["children_products"])
    title: Text = Field(title="问卷名称", examples=["儿童用品满意度调查"])
    questions: tuple[Question, ...] = Field(min_length=1, max_length=100, title="题目")
    opens_on: date = Field(title="开始日期", examples=["2019-09-01"])
    closes_on: date = Field(
        title="结束日期", description="Not before opens_on.", examples=["2019-11-30"]
    )


class SurveyRecord(SurveyDetails, Intake):
    """A survey as the service keeps it (the count of responses is kept by the database, added to
    in each response's transaction)."""

    id: str = Field(title="编号", examples=["sv_4f7c0b9e2d1a4c3b8e6f5a4d3c2b1a09"])
    province: ProvinceCode = Field(title="省份", examples=["110000"])
    status: SurveyStatus = Field(default=SurveyStatus.open, title="状态")
    responses: int = Field(default=0, title="答卷数")
    version: int = Field(default=1, title="版本", description="Raised by every change.")


class ResponseDetails(Declared):
    """A filled-in form."""

    respondent_id: RespondentId = Field(
        title="答卷编号",
        description="The instance id of the filled-in form: the same id is accepted once",
        examples=["uuid:6f1e0c0a-3d7b-4c55-9a53-0c1c0f7f2b11"],
    )
    answers: dict[Key, int] = Field(max_length=100, title="答案", examples=[{"q1": 5, "q2": 4}])
    channel: Channel | None = Field(default=None, title="渠道", examples=["odk"])


class ResponseRecord(Declared):
    """A response as the service shows it: its index, overall and per dimension (the answers
    stay in the survey service)."""

    id: str = Field(title="编号", examples=["rsp_4f7c0b9e2d1a4c3b8e6f5a4d3c2b1a09"])
    survey_id: str = Field(title="问卷编号")
    respondent_id: str = Field(title="答卷编号")
    index: float | None = Field(title="满意度指数", description="0 to 100; null: nothing answered")
    by_dimension: dict[str, float] = Field(title="分维度指数")
    created_at: datetime = Field(title="提交时间")
