from sanjin_shared.settings import ServiceSettings


class AggregatorSettings(ServiceSettings):
    service_name: str = "aggregator"
    consumer_group: str = "aggregator-statistics"
    consumer_max_records: int = 1000
