"""The services of the platform, declared once.

Everything that needs the list of services derives it from `SERVICES`: the local stack, the test
fixtures, the authorization matrix and the fuzzing, the gateway's routes, the deployment checks.
Adding a service is the checklist in docs/architecture.md ("Add a service").
"""

from __future__ import annotations

from dataclasses import dataclass

from sanjin_shared.topics import ACTIVITIES, INSPECTION, MONITORING, SUBMISSIONS, SURVEYS, TopicSpec


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    name: str  # SANJIN_SERVICE, settings' service_name, database "sanjin_<name>"
    port: int  # on the local stack
    topic: TopicSpec  # the topic its outbox publishes to
    title: str  # what it owns, in the notice's words

    @property
    def package(self) -> str:
        return f"sanjin_{self.name}"

    @property
    def factory(self) -> str:
        """The ASGI app factory uvicorn runs."""
        return f"{self.package}.main:build_app"

    @property
    def slug(self) -> str:
        """Its name in URLs and Kubernetes: the gateway's `/api/<slug>/`, the Deployment's name."""
        return self.name.replace("_", "-")

    @property
    def intake(self) -> bool:
        """An intake service takes the provinces' records; the aggregator reads their events."""
        return self.name != AGGREGATOR


AGGREGATOR = "aggregator"

SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec(AGGREGATOR, 8000, SUBMISSIONS, "全国统计、报送与导出"),
    ServiceSpec("events", 8001, ACTIVITIES, "宣传教育活动、社会共治研讨、启动仪式"),
    ServiceSpec("risk_monitoring", 8002, MONITORING, "风险信息监测点与风险信息"),
    ServiceSpec("inspection", 8003, INSPECTION, "检验检测认证服务、真假鉴别"),
    ServiceSpec("survey", 8004, SURVEYS, "重点消费品用户满意度调查"),
)

BY_NAME: dict[str, ServiceSpec] = {s.name: s for s in SERVICES}
INTAKE: tuple[ServiceSpec, ...] = tuple(s for s in SERVICES if s.intake)


def service(name: str) -> ServiceSpec:
    """The service called `name`; a clear error for a name that is not one."""
    try:
        return BY_NAME[name]
    except KeyError:
        known = ", ".join(BY_NAME)
        raise ValueError(f"unknown service {name!r} (one of: {known})") from None
