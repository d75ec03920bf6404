"""The login throttle keys on the client's address behind nginx, not the proxy's."""

import os
import subprocess
import sys

from django.test import RequestFactory

from core.client_ip import behind_proxy


def test_the_address_nginx_saw_wins_over_what_the_client_claims():
    rf = RequestFactory()
    request = rf.post("/", HTTP_X_FORWARDED_FOR="1.2.3.4, 8.8.8.8", REMOTE_ADDR="127.0.0.1")
    assert behind_proxy(request) == "8.8.8.8"
    assert behind_proxy(rf.post("/", HTTP_X_FORWARDED_FOR="8.8.4.4")) == "8.8.4.4"
    assert behind_proxy(rf.post("/", REMOTE_ADDR="198.51.100.4")) == "198.51.100.4"


def test_production_settings_use_it_unless_told_there_is_no_proxy():
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(getattr(settings, 'AXES_CLIENT_IP_CALLABLE', None))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "example.org",
    }
    run = lambda **extra: subprocess.run(  # noqa: E731, S603 - our own interpreter and code
        [sys.executable, "-c", code], env={**env, **extra}, capture_output=True, text=True
    )
    assert run().stdout.strip() == "core.client_ip.behind_proxy"
    assert run(AXES_BEHIND_PROXY="false").stdout.strip() == "None"
