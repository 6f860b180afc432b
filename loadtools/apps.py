from django.apps import AppConfig


class LoadtoolsConfig(AppConfig):
    name = "loadtools"
    verbose_name = "Load tools: benchmarks and load over HTTP"
