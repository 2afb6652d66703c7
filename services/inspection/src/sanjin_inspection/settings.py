from sanjin_shared.settings import ServiceSettings


class InspectionSettings(ServiceSettings):
    service_name: str = "inspection"
