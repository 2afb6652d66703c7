from datetime import timedelta
from typing import Literal

from pydantic import Field, SecretStr

from sanjin_aggregator.adapters.mail import SmtpConfig
from sanjin_aggregator.domain.reminders import ReminderPlan
from sanjin_shared.settings import ServiceSettings


class AggregatorSettings(ServiceSettings):
    service_name: str = "aggregator"
    consumer_group: str = "aggregator-statistics"
    consumer_max_records: int = 1000
    # how often overdue units are looked for and reminders sent
    deadline_check_interval_s: float = 60.0
    generation_check_interval_s: float = 2.0  # how soon a replay's switch-over is followed
    # the filler block of the statistics workbook: the unit that files the national table
    report_filler_unit: str = "市场监管总局质量监督司"

    # reminders before a unit's deadline and escalations after it, in days (JSON lists in the
    # environment: SANJIN_REMINDER_DAYS_BEFORE='[7,3,1]'); a step missed by more than
    # reminder_expire_days (the watch was down, an old campaign) is not sent
    reminder_days_before: tuple[int, ...] = (7, 3, 1)
    escalation_days_after: tuple[int, ...] = (1, 3, 7)
    reminder_expire_days: float = Field(default=3.0, gt=0)
    escalation_to: tuple[str, ...] = ()  # headquarters' addresses copied on every escalation

    # the SMTP server reminders go through; none: reminders are events and the in-app list only
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_security: Literal["none", "starttls", "tls"] = "starttls"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "sanjin-noreply@localhost"
    smtp_timeout_s: float = Field(default=10.0, gt=0)

    def reminder_plan(self) -> ReminderPlan:
        return ReminderPlan(
            days_before=self.reminder_days_before,
            days_after=self.escalation_days_after,
            expire_after=timedelta(days=self.reminder_expire_days),
        )

    def smtp(self) -> SmtpConfig | None:
        if not self.smtp_host:
            return None
        return SmtpConfig(
            host=self.smtp_host,
            port=self.smtp_port,
            security=self.smtp_security,
            sender=self.smtp_from,
            username=self.smtp_username,
            password=self.smtp_password.get_secret_value() if self.smtp_password else None,
            timeout_s=self.smtp_timeout_s,
        )

    # the report package (files in GridFS): a file, and all of a province's files of a campaign
    max_file_bytes: int = 20 * 1024 * 1024
    max_package_bytes: int = 200 * 1024 * 1024
