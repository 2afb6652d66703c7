from sanjin_shared.settings import ServiceSettings


class AggregatorSettings(ServiceSettings):
    service_name: str = "aggregator"
    consumer_group: str = "aggregator-statistics"
    consumer_max_records: int = 1000
    deadline_check_interval_s: float = 60.0  # how often overdue provinces are looked for
    generation_check_interval_s: float = 2.0  # how soon a replay's switch-over is followed
    # where `GET /dashboard` sends a browser: the web application's national board ("/" is the
    # gateway's origin, where the web application is served)
    dashboard_url: str = "/hq"
