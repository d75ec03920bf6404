"""Real services for the integration tests: `celery worker` and `celery beat` subprocesses and a
throwaway Redis server, all pointed at the test database.

These tests run when CELERY_BROKER_URL and a PostgreSQL DATABASE_URL are set (.ci/run's
integration step); elsewhere they are skipped. The subprocesses must see what a test wrote, so
the tests use `transactional_db` (committed data) and the subprocesses get the test database's
name in DATABASE_URL. Each test has a queue of its own, so a CI run and a local run sharing one
Redis do not take each other's tasks. Every process started here is stopped at the end of its
test, whatever happens.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
REDIS_SERVER = "/usr/bin/redis-server"


# Every module here: `pytestmark = needs_services`.
needs_services = [
    pytest.mark.integration,
    pytest.mark.skipif(
        not os.environ.get("CELERY_BROKER_URL") or connection.vendor != "postgresql",
        reason="needs CELERY_BROKER_URL (Redis) and DATABASE_URL on PostgreSQL",
    ),
]


def wait_for(predicate, *, timeout: float, what: str, every: float = 0.2, processes=()):
    """Poll `predicate` until it returns something truthy; fail with `what` after `timeout`.

    A process of `processes` exiting meanwhile fails at once, with its output."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        for process in processes:
            if not process.alive:
                pytest.fail(f"{process.name} exited while waiting for {what}:\n{process.output()}")
        if time.monotonic() > deadline:
            logs = "\n".join(f"--- {p.name}\n{p.output()[-4000:]}" for p in processes)
            pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}\n{logs}")
        time.sleep(every)


class Service:
    """A subprocess in a session (process group) of its own, its output in a file."""

    def __init__(self, name: str, argv: list[str], *, env: dict, log: Path):
        self.name = name
        self.log = log
        self._out = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - our own binaries, fixed arguments
            argv,
            cwd=log.parent,  # beat's and the worker's stray files land in tmp_path
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def children(self) -> list[int]:
        """Direct child processes (a prefork worker's pool)."""
        try:
            text = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text()
        except OSError:
            return []
        return [int(pid) for pid in text.split()]

    def kill(self) -> None:
        """SIGKILL the whole process group: the machine or container died."""
        if self.alive:
            os.killpg(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.alive:
            os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        else:
            with contextlib.suppress(ProcessLookupError):  # no pool child outlives its leader
                os.killpg(self.pid, signal.SIGKILL)
        self._out.close()


def _database_url() -> str:
    db = settings.DATABASES["default"]  # inside a test: the test database's name
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    return f"postgres://{db['USER']}{password}@{host}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def queue():
    """A queue of this test's own; tasks queued from the test process go there."""
    name = f"it-{uuid.uuid4().hex[:8]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_default_queue = name
    yield name
    celery_app.conf.task_default_queue = previous
    # Leave nothing of it in Redis: the list and kombu's binding keys (always named after it).
    import redis

    client = redis.Redis.from_url(celery_app.conf.broker_url)
    keys = list(client.scan_iter(match=f"*{name}*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def celery_env(queue, transactional_db):
    """The environment of a worker or beat subprocess: test settings on the test database."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_QUEUE": queue,
        "LOG_LEVEL": "WARNING",  # the app's loggers; celery's own log level is --loglevel
    }


@pytest.fixture
def services(tmp_path):
    """Everything started by a test, stopped when it ends (in reverse order)."""
    started: list[Service] = []
    yield started
    for service in reversed(started):
        service.stop()


@pytest.fixture
def start_worker(celery_env, queue, services, tmp_path):
    """`start_worker(pool="solo", **env)` starts a `celery worker` on the test's queue and
    returns once it is ready to take tasks. `env` adds environment variables (strings)."""

    def start(*, pool: str = "solo", broker: str | None = None, **env) -> Service:
        name = f"worker{sum(s.name.startswith('worker') for s in services) + 1}"
        argv = [str(CELERY), "-A", "config", "worker", f"--pool={pool}", "-Q", queue]
        argv += ["-n", f"{queue}-{name}@%h", "--loglevel=INFO"]
        argv += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        if pool == "prefork":
            argv.append("--concurrency=1")
        full_env = {**celery_env, **env}
        if broker:
            full_env["CELERY_BROKER_URL"] = broker
        worker = Service(name, argv, env=full_env, log=tmp_path / f"{name}.log")
        services.append(worker)
        wait_for(
            lambda: " ready." in worker.output(),
            timeout=60,
            what=f"{name} to be ready",
            processes=[worker],
        )
        return worker

    return start


@pytest.fixture
def start_beat(celery_env, services, tmp_path):
    """`start_beat(**env)` starts `celery beat` (the database scheduler of the settings)."""

    def start(**env) -> Service:
        argv = [str(CELERY), "-A", "config", "beat", "--loglevel=INFO"]
        argv += ["--schedule", str(tmp_path / "beat-schedule"), "--pidfile="]
        beat = Service("beat", argv, env={**celery_env, **env}, log=tmp_path / "beat.log")
        services.append(beat)
        return beat

    return start


def _free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port")


class ThrowawayRedis:
    """A Redis server of our own (no persistence) that a test may kill and start again."""

    def __init__(self, services: list, log_dir: Path):
        self.port = _free_port(6390)
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.services = services
        self.log_dir = log_dir
        self.server: Service | None = None
        self.starts = 0

    def ping(self) -> bool:
        import redis

        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.ConnectionError:
            return False

    def start(self) -> None:
        self.starts += 1
        argv = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1"]
        argv += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        self.server = Service(
            f"redis{self.starts}", argv, env=dict(os.environ), log=self.log_dir / "redis.log"
        )
        self.services.append(self.server)
        wait_for(self.ping, timeout=15, what="Redis to answer", processes=[self.server])

    def kill(self) -> None:
        self.server.kill()
        wait_for(lambda: not self.ping(), timeout=10, what="Redis to be gone")


@pytest.fixture
def throwaway_redis(services, tmp_path):
    """Never the machine's shared Redis (6379): a server on port 6390 (or any free port)."""
    if not Path(REDIS_SERVER).exists():
        pytest.skip("redis-server is not installed")
    server = ThrowawayRedis(services, tmp_path)
    server.start()
    return server
