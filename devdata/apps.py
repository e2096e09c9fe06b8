from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """Data to develop and measure with: the Panjshir 2021 example and the generator."""

    name = "devdata"
    verbose_name = "Example and generated data"
