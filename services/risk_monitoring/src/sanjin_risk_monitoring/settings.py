from sanjin_shared.settings import ServiceSettings


class RiskMonitoringSettings(ServiceSettings):
    service_name: str = "risk_monitoring"
