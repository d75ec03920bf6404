"""Gunicorn settings of the web service (deploy/systemd/sanshe-web.service, docs/deploy.md).

    gunicorn --config deploy/gunicorn.conf.py config.wsgi

Every value can be overridden from the environment (the unit's EnvironmentFile), so one file
serves servers of different sizes.
"""

import multiprocessing
import os

# nginx on the same host proxies to this address; on a separate proxy host, bind the private
# interface (GUNICORN_BIND=10.0.0.11:8000) and list the proxy in FORWARDED_ALLOW_IPS.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Synchronous workers: the views are short database work. 2 × cores + 1 is gunicorn's rule of
# thumb; each worker keeps at most one PostgreSQL connection (CONN_MAX_AGE 60 s), so
# servers × workers must stay under PostgreSQL's max_connections (with the Celery workers).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"

# Slow requests are killed after `timeout` seconds (the long jobs — batch matching, PDF/XLSX
# reports — run on Celery, not in a request). Keep nginx's proxy_read_timeout a little above.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then so a slow leak cannot grow without bound.
max_requests = 1000
max_requests_jitter = 100

# Trust X-Forwarded-Proto only from the proxy (Django reads it: SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Not preloaded: `systemctl reload sanshe-web` (SIGHUP) then starts fresh workers on the new
# code while the old ones finish their requests — the zero-downtime upgrade of docs/deploy.md.
preload_app = False

# Logs to stdout/stderr, i.e. journald. The access line ends with the time taken in ms.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

proc_name = "sanshe-web"
# No `gunicornc` control socket: it would be created in $HOME, which the unit makes read-only
# (gunicorn ≥ 27; older versions ignore the setting).
control_socket_disable = True
