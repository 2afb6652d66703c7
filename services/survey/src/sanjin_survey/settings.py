from sanjin_shared.settings import ServiceSettings


class SurveySettings(ServiceSettings):
    service_name: str = "survey"
