"""Test settings: fast hashing, no throttling surprises; database as DATABASE_URL says."""

from .base import *

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
