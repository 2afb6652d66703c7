from sanjin_shared.settings import ServiceSettings


class AggregatorSettings(ServiceSettings):
    service_name: str = "aggregator"
    consumer_group: str = "aggregator-statistics"
    consumer_max_records: int = 1000
    deadline_check_interval_s: float = 60.0  # how often overdue provinces are looked for
    generation_check_interval_s: float = 2.0  # how soon a replay's switch-over is followed
    # the report package (files in GridFS): a file, and all of a province's files of a campaign
    max_file_bytes: int = 20 * 1024 * 1024
    max_package_bytes: int = 200 * 1024 * 1024
