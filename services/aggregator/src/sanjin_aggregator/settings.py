from sanjin_shared.settings import ServiceSettings


class AggregatorSettings(ServiceSettings):
    service_name: str = "aggregator"
    consumer_group: str = "aggregator-statistics"
    consumer_max_records: int = 1000
    deadline_check_interval_s: float = 60.0  # how often overdue provinces are looked for
    generation_check_interval_s: float = 2.0  # how soon a replay's switch-over is followed
    # the filler block of the statistics workbook: the unit that files the national table
    report_filler_unit: str = "市场监管总局质量监督司"
