from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from django.db import connections
        from django.db.backends.signals import connection_created

        from core import public_cache

        connection_created.connect(public_cache.install, dispatch_uid="public-cache-writes")
        for connection in connections.all(initialized_only=True):
            public_cache.install(connection)
