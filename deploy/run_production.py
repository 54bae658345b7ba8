"""The production profile on one machine: N Rasa servers, an action server, the web app, nginx.

    python -m deploy.run_production                       # settings from .env / the environment
    python -m deploy.run_production --env-file deploy/production.env --servers 3
    python -m deploy.run_production --check               # render and test the config, then exit

Every Rasa server is a plain `rasa run` on its own port, bound to RASA_INTERFACE (127.0.0.1
by default), with deploy/endpoints.prod.yml: trackers in DATABASE_URL (PostgreSQL), the lock
store in Redis. nginx (deploy/nginx.conf.template, rendered into RUN_DIR) is the only public
listener. A process that dies is started again with back-off (bot.run.Services.restart_dead);
the others run on. Ctrl-C (or systemd's stop) stops everything. The daily purge runs in this
process (bot.purge.DailyPurge; one runner across machines).

It refuses to start, with the reason, on a setting that is unsafe or broken in production
(`production_problems`; docs/operations.md lists them).

The tests (tests/scale/) use `Deployment` to start the same processes on their own ports and
database, and to kill -9 and restart one Rasa server.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

from bot.run import (
    BIN,
    MODEL,
    RASA_SERVER,
    REQUEST_MAX_BYTES,
    Service,
    Services,
    service_env,
    stop_requested_by_signals,
    supervise,
    wait_until_ready,
)
from bot.settings import ROOT, Settings, _bool, _int, load_settings

DEPLOY = Path(__file__).resolve().parent
NGINX_TEMPLATE = DEPLOY / "nginx.conf.template"
ENDPOINTS = DEPLOY / "endpoints.prod.yml"
CREDENTIALS = ROOT / "credentials.yml"
# Sanic closes a connection that has sent no request within KEEP_ALIVE_TIMEOUT (5 s by default),
# and Rasa opens a new connection for every action call. A busy Rasa server (an event loop
# working through many turns) can take longer than 5 s between opening that connection and
# writing the request: the call then fails ("Cannot write to closing transport"), Rasa drops
# the action's events and the form does not advance. Measured under 50 concurrent screenings.
ACTION_KEEP_ALIVE_SECONDS = 120
PLACEHOLDER = re.compile(r"\{\{\s*([A-Z_]+)\s*\}\}")
RATE = re.compile(r"^\d+r/[sm]$")
HEADER_NAME = re.compile(r"^[A-Za-z0-9-]+$")
# One year; no includeSubDomains: the clinic's other hosts are not ours to force onto HTTPS.
HSTS_HEADER = 'add_header Strict-Transport-Security "max-age=31536000" always;'


@dataclass(frozen=True)
class ProductionConfig:
    """What the production profile adds to bot.settings (all from the environment)."""

    servers: int = 2
    rasa_interface: str = "127.0.0.1"
    # Rasa servers on other machines, "host:port,host:port", added to nginx's upstreams.
    extra_upstreams: tuple = ()
    listen: str = "127.0.0.1:8080"
    server_name: str = "_"
    tls_cert: str = ""
    tls_key: str = ""
    nginx_bin: str = "/usr/sbin/nginx"
    run_dir: Path = ROOT / "var" / "production"
    redis_host: str = "127.0.0.1"
    redis_port: int = 6379
    redis_db: int = 1
    redis_password: str = field(default="", repr=False)
    redis_key_prefix: str = "metro"
    web_rate: str = "10r/s"
    web_burst: int = 40
    staff_rate: str = "5r/s"
    staff_burst: int = 20
    socketio_rate: str = "10r/s"
    socketio_burst: int = 30
    sms_rate: str = "20r/s"
    sms_burst: int = 60
    connections_per_client: int = 100
    # Load balancers in front of nginx (addresses or CIDR ranges): the client's address is taken
    # from their real_ip_header, so each patient has a rate-limit bucket of their own.
    trusted_proxies: tuple = ()
    real_ip_header: str = "X-Forwarded-For"
    # The daily purge in this process (one runner across machines; off if a timer runs it).
    scheduled_purge: bool = True
    start_actions: bool = True
    start_web: bool = True
    start_nginx: bool = True

    def rasa_ports(self, settings: Settings) -> list[int]:
        """RASA_PORT, RASA_PORT+1, ... one per server."""
        return [settings.rasa_port + i for i in range(self.servers)]

    @property
    def log_dir(self) -> Path:
        return self.run_dir / "logs"


def load_config(env: Mapping[str, str]) -> ProductionConfig:
    d = ProductionConfig()
    config = ProductionConfig(
        servers=_int(env.get("RASA_SERVERS"), d.servers),
        rasa_interface=env.get("RASA_INTERFACE") or d.rasa_interface,
        extra_upstreams=tuple(u.strip() for u in (env.get("RASA_UPSTREAMS") or "").split(",") if u.strip()),
        listen=env.get("NGINX_LISTEN") or d.listen,
        server_name=env.get("NGINX_SERVER_NAME") or d.server_name,
        tls_cert=env.get("NGINX_TLS_CERT", ""),
        tls_key=env.get("NGINX_TLS_KEY", ""),
        nginx_bin=env.get("NGINX_BIN") or shutil.which("nginx") or d.nginx_bin,
        run_dir=Path(env.get("PRODUCTION_RUN_DIR") or d.run_dir),
        redis_host=env.get("REDIS_HOST") or d.redis_host,
        redis_port=_int(env.get("REDIS_PORT"), d.redis_port),
        redis_db=_int(env.get("REDIS_DB"), d.redis_db),
        redis_password=env.get("REDIS_PASSWORD", ""),
        redis_key_prefix=env.get("REDIS_KEY_PREFIX") or d.redis_key_prefix,
        web_rate=env.get("NGINX_WEB_RATE") or d.web_rate,
        web_burst=_int(env.get("NGINX_WEB_BURST"), d.web_burst),
        staff_rate=env.get("NGINX_STAFF_RATE") or d.staff_rate,
        staff_burst=_int(env.get("NGINX_STAFF_BURST"), d.staff_burst),
        socketio_rate=env.get("NGINX_SOCKETIO_RATE") or d.socketio_rate,
        socketio_burst=_int(env.get("NGINX_SOCKETIO_BURST"), d.socketio_burst),
        sms_rate=env.get("NGINX_SMS_RATE") or d.sms_rate,
        sms_burst=_int(env.get("NGINX_SMS_BURST"), d.sms_burst),
        connections_per_client=_int(env.get("NGINX_CONNECTIONS_PER_CLIENT"), d.connections_per_client),
        trusted_proxies=tuple(p.strip() for p in (env.get("NGINX_TRUSTED_PROXIES") or "").split(",") if p.strip()),
        real_ip_header=env.get("NGINX_REAL_IP_HEADER") or d.real_ip_header,
        scheduled_purge=_bool(env.get("SCHEDULED_PURGE"), True),
        start_actions=_bool(env.get("START_ACTION_SERVER"), True),
        start_web=_bool(env.get("START_WEB_APP"), True),
        start_nginx=_bool(env.get("START_NGINX"), True),
    )
    problems = config_problems(config)
    if problems:
        raise ValueError("; ".join(problems))
    return config


def config_problems(config: ProductionConfig) -> list[str]:
    problems = []
    if config.servers < 0 or (config.servers == 0 and not config.extra_upstreams):
        problems.append("RASA_SERVERS must be at least 1 (or RASA_UPSTREAMS must name servers elsewhere)")
    for name in ("web_rate", "staff_rate", "socketio_rate", "sms_rate"):
        if not RATE.match(getattr(config, name)):
            problems.append(f"NGINX_{name.upper()} must look like 10r/s or 600r/m, got {getattr(config, name)!r}")
    for name in ("web_burst", "staff_burst", "socketio_burst", "sms_burst"):
        if getattr(config, name) < 1:  # nginx itself refuses burst=0
            problems.append(f"NGINX_{name.upper()} must be at least 1, got {getattr(config, name)}")
    if not config.redis_key_prefix.isalnum():
        problems.append("REDIS_KEY_PREFIX must be letters and digits only")
    if bool(config.tls_cert) != bool(config.tls_key):
        problems.append("NGINX_TLS_CERT and NGINX_TLS_KEY go together")
    for proxy in config.trusted_proxies:
        if not proxy.startswith("unix:"):
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                problems.append(f"NGINX_TRUSTED_PROXIES: {proxy!r} is not an address or a CIDR range")
    if not HEADER_NAME.match(config.real_ip_header):
        problems.append(f"NGINX_REAL_IP_HEADER must be a header name, got {config.real_ip_header!r}")
    return problems


def local_address(host: str) -> str:
    """Where a process bound to `host` is reached from this machine."""
    return "127.0.0.1" if host in ("", "0.0.0.0", "*", "[::]", "::") else host


# --- nginx --------------------------------------------------------------------------------


def tls_on(settings: Settings, config: ProductionConfig) -> bool:
    """Patients reach us over HTTPS: nginx has the certificate, or a load balancer in front does."""
    return bool(config.tls_cert) or settings.public_base_url.lower().startswith("https://")


def real_ip_lines(config: ProductionConfig) -> str:
    if not config.trusted_proxies:
        return "    # No load balancer in front (NGINX_TRUSTED_PROXIES): the client address is the peer's."
    lines = [f"    set_real_ip_from {proxy};" for proxy in config.trusted_proxies]
    lines += [f"    real_ip_header {config.real_ip_header};",
              # The rightmost address not in the trusted ranges: a client cannot choose its own.
              "    real_ip_recursive on;"]
    return "\n".join(lines)


QUOTED_QUERY = re.compile(r'\?[^"\n]*"')
BARE_QUERY = re.compile(r"\?\S*")


def redact_query_strings(line: str) -> str:
    """An nginx error-log line without query strings (`/staff?q=<name>`): the request line,
    the upstream URL and the referrer are cut at their `?`."""
    return BARE_QUERY.sub("", QUOTED_QUERY.sub('"', line))


def render_nginx_conf(settings: Settings, config: ProductionConfig, template: Path = NGINX_TEMPLATE) -> str:
    """The template with every placeholder filled; one without a value is an error."""
    upstreams = [f"{local_address(config.rasa_interface)}:{port}" for port in config.rasa_ports(settings)]
    upstreams += list(config.extra_upstreams)
    tls = "        # TLS: set NGINX_TLS_CERT and NGINX_TLS_KEY (or terminate TLS in front of nginx)."
    if config.tls_cert:
        tls = (
            f"        ssl_certificate {config.tls_cert};\n"
            f"        ssl_certificate_key {config.tls_key};\n"
            "        ssl_protocols TLSv1.2 TLSv1.3;"
        )
    values = {
        "LOG_DIR": str(config.log_dir),
        "RUN_DIR": str(config.run_dir),
        "RASA_SERVERS": "\n".join(f"        server {u} max_fails=1 fail_timeout=5s;" for u in upstreams),
        "WEB_SERVER": f"127.0.0.1:{settings.web_port}",
        # With a certificate the one listener speaks TLS only (NGINX_LISTEN=443): no plain HTTP.
        "LISTEN": f"{config.listen} ssl" if config.tls_cert else config.listen,
        "TLS": tls,
        "HSTS": f"        {HSTS_HEADER}" if tls_on(settings, config) else "        # No HSTS: TLS is off.",
        "REAL_IP": real_ip_lines(config),
        "SERVER_NAME": config.server_name,
        "WEB_RATE": config.web_rate,
        "WEB_BURST": str(config.web_burst),
        "STAFF_RATE": config.staff_rate,
        "STAFF_BURST": str(config.staff_burst),
        "SOCKETIO_RATE": config.socketio_rate,
        "SOCKETIO_BURST": str(config.socketio_burst),
        "SMS_RATE": config.sms_rate,
        "SMS_BURST": str(config.sms_burst),
        "CONNECTIONS_PER_CLIENT": str(config.connections_per_client),
    }
    text = template.read_text()
    missing = sorted({m.group(1) for m in PLACEHOLDER.finditer(text)} - values.keys())
    if missing:
        raise ValueError(f"nginx template placeholders without a value: {', '.join(missing)}")
    return PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


def write_nginx_conf(settings: Settings, config: ProductionConfig) -> Path:
    for sub in ("tmp/client_body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi", "logs"):
        (config.run_dir / sub).mkdir(parents=True, exist_ok=True)
    path = config.run_dir / "nginx.conf"
    path.write_text(render_nginx_conf(settings, config))
    return path


def nginx_command(config: ProductionConfig, conf: Path, test: bool = False) -> list[str]:
    run_dir = str(config.run_dir)
    # -e stderr: even start-up errors go through the launcher's filter (redact_query_strings).
    command = [config.nginx_bin, "-p", run_dir + "/", "-e", "stderr", "-c", str(conf),
               "-g", f"daemon off; pid {run_dir}/nginx.pid;"]
    return command + (["-t", "-q"] if test else [])


def check_nginx_conf(config: ProductionConfig, conf: Path) -> None:
    """`nginx -t`: raise with nginx's own message when the rendered config is wrong."""
    result = subprocess.run(nginx_command(config, conf, test=True), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"nginx rejected {conf}:\n{result.stderr.strip()}")


# --- the database and Redis ---------------------------------------------------------------


def prepare_database(url: str) -> None:
    """Create the project's tables and Rasa's `events` table once, before the servers race to."""
    from bot.store.db import create_all, make_engine
    from bot.store.tracker import UrlSQLTrackerStore

    engine = make_engine(url)
    try:
        create_all(engine)
    finally:
        engine.dispose()
    UrlSQLTrackerStore(url=url).engine.dispose()


def check_redis(config: ProductionConfig) -> None:
    import redis

    client = redis.Redis(
        host=config.redis_host, port=config.redis_port, db=config.redis_db,
        password=config.redis_password or None, socket_timeout=3,
    )
    try:
        client.ping()
    finally:
        client.close()


# --- the processes ------------------------------------------------------------------------


def production_env(settings: Settings, config: ProductionConfig, base: Optional[Mapping[str, str]] = None) -> dict[str, str]:
    """bot.run's environment plus every ${VAR} of endpoints.prod.yml."""
    env = service_env(settings, base)
    env["ACTION_SERVER_URL"] = (base or os.environ).get("ACTION_SERVER_URL") or (
        f"http://127.0.0.1:{settings.action_port}/webhook"
    )
    env.update(
        REDIS_HOST=config.redis_host,
        REDIS_PORT=str(config.redis_port),
        REDIS_DB=str(config.redis_db),
        REDIS_PASSWORD=config.redis_password,
        REDIS_KEY_PREFIX=config.redis_key_prefix,
    )
    env.setdefault("TICKET_LOCK_LIFETIME", "60")
    # Rasa's PostgreSQL pool defaults to 50 (+100 overflow) per server: far more than a
    # server with one event loop uses, and several servers would exhaust max_connections.
    env.setdefault("SQL_POOL_SIZE", "5")
    env.setdefault("SQL_MAX_OVERFLOW", "10")
    # Log lines reach the files (and journald) as they happen, not when a buffer fills.
    env["PYTHONUNBUFFERED"] = "1"
    return env


def production_services(
    settings: Settings,
    config: ProductionConfig,
    model: Path = MODEL,
    credentials: Path = CREDENTIALS,
    endpoints: Path = ENDPOINTS,
    nginx_conf: Optional[Path] = None,
) -> list[Service]:
    reachable = local_address
    services: list[Service] = []
    if config.start_actions:
        services.append(
            Service(
                "actions",
                [str(BIN / "rasa"), "run", "actions", "--actions", "actions", "--port", str(settings.action_port)],
                f"http://{reachable(settings.action_host)}:{settings.action_port}/health",
                {"SANIC_HOST": settings.action_host, "SANIC_KEEP_ALIVE_TIMEOUT": str(ACTION_KEEP_ALIVE_SECONDS)},
            )
        )
    for i, port in enumerate(config.rasa_ports(settings), start=1):
        services.append(
            Service(
                f"rasa-{i}",
                [*RASA_SERVER, "run", "--model", str(model), "--endpoints", str(endpoints),
                 "--credentials", str(credentials), "--port", str(port), "--interface", config.rasa_interface],
                f"http://{reachable(config.rasa_interface)}:{port}/",
                {"SANIC_REQUEST_MAX_SIZE": str(REQUEST_MAX_BYTES)},
            )
        )
    if config.start_web:
        services.append(
            Service(
                "web",
                [str(BIN / "uvicorn"), "bot.web.app:create_app", "--factory", "--host", "127.0.0.1",
                 "--port", str(settings.web_port), "--no-access-log", "--proxy-headers",
                 "--forwarded-allow-ips", "127.0.0.1"],
                f"http://127.0.0.1:{settings.web_port}/health",
            )
        )
    if config.start_nginx:
        if nginx_conf is None:
            raise ValueError("nginx needs its rendered configuration")
        host, _, port = config.listen.rpartition(":")
        # Over TLS the certificate names the public host, not 127.0.0.1: ready = accepting connections.
        scheme = "tcp" if config.tls_cert else "http"
        url = f"{scheme}://{reachable(host)}:{port or config.listen}" + ("" if config.tls_cert else "/health")
        services.append(Service("nginx", nginx_command(config, nginx_conf), url, output_filter=redact_query_strings))
    return services


@dataclass
class Deployment:
    """The running profile: start, stop, and (for the crash tests) kill -9 and restart one process."""

    settings: Settings
    config: ProductionConfig
    services: Services
    log_dir: Path

    @property
    def rasa_urls(self) -> list[str]:
        host = local_address(self.config.rasa_interface)
        return [f"http://{host}:{p}" for p in self.config.rasa_ports(self.settings)]

    def service(self, name: str) -> Service:
        for item in self.services.items:
            if item.name == name:
                return item
        raise KeyError(name)

    def _spawn(self, service: Service) -> None:
        self.services.spawn(service)

    def kill(self, name: str) -> None:
        """SIGKILL, no clean shutdown: what a crash or the OOM killer does."""
        process = self.service(name).process
        if process and process.poll() is None:
            process.send_signal(signal.SIGKILL)
            process.wait()

    def restart(self, name: str) -> None:
        service = self.service(name)
        if service.process and service.process.poll() is None:
            raise RuntimeError(f"{name} is still running")
        self._spawn(service)

    def wait_until_ready(self, timeout: float = 240.0, names: Optional[Sequence[str]] = None) -> None:
        chosen = [s for s in self.services.items if names is None or s.name in names]
        http = [s for s in chosen if not s.health_url.startswith("tcp://")]
        wait_until_ready(Services(self.settings, self.services.env, http), timeout=timeout)
        deadline = time.monotonic() + timeout
        for service in chosen:
            if service in http:
                continue
            host, _, port = service.health_url.removeprefix("tcp://").rpartition(":")
            while True:
                if service.process and service.process.poll() is not None:
                    raise RuntimeError(f"{service.name} exited with code {service.process.returncode}")
                try:
                    socket.create_connection((host, int(port)), timeout=2).close()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{service.name} not ready after {timeout:.0f} s") from None
                    time.sleep(0.5)

    def stop(self, timeout: float = 15.0) -> None:
        self.services.stop(timeout)


def start(
    settings: Settings,
    config: ProductionConfig,
    env: Optional[Mapping[str, str]] = None,
    model: Path = MODEL,
    credentials: Path = CREDENTIALS,
) -> Deployment:
    """Check what the profile needs, then start every process in the background."""
    if config.start_nginx and not Path(config.nginx_bin).exists():
        raise RuntimeError(f"nginx not found at {config.nginx_bin} (NGINX_BIN)")
    config.log_dir.mkdir(parents=True, exist_ok=True)
    conf = None
    if config.start_nginx:
        conf = write_nginx_conf(settings, config)
        check_nginx_conf(config, conf)
    check_redis(config)
    prepare_database(settings.database_url)
    # Own sessions: Ctrl-C in the terminal reaches the launcher, which stops each cleanly.
    services = Services(settings, production_env(settings, config, env), log_dir=config.log_dir, new_session=True)
    deployment = Deployment(settings, config, services, config.log_dir)
    for service in production_services(settings, config, model, credentials, nginx_conf=conf):
        services.items.append(service)
        deployment._spawn(service)
    return deployment


MIN_SECRET_CHARS = 32


def secret_key_problem(secret_key: str) -> Optional[str]:
    """Why `secret_key` must not be used in production, or None if it may."""
    default = Settings().secret_key
    if secret_key == default or "CHANGE-ME" in secret_key.upper():
        return "SECRET_KEY is the development value or the example's placeholder: set a long random one " \
               "(python -c 'import secrets; print(secrets.token_urlsafe(48))')."
    if len(secret_key) < MIN_SECRET_CHARS:
        return f"SECRET_KEY has {len(secret_key)} characters: use at least {MIN_SECRET_CHARS} random ones."
    return None


# .env.example's and the tests' Twilio tokens: known to anyone who reads the repository.
KNOWN_TWILIO_TOKENS = frozenset({"dev-twilio-token", "test-twilio-auth-token"})
PLACEHOLDER_WORDS = re.compile(r"change[-_ ]?me|replace[-_ ]?me|placeholder|your[-_ ]|^x+$|^<.*>$", re.IGNORECASE)


def loopback_host(url: str) -> Optional[str]:
    """The host of `url` if only this machine can reach it (localhost, 127.x, ::1, 0.0.0.0), else None."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return host
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    return host if address.is_loopback or address.is_unspecified else None


def production_problems(settings: Settings, config: ProductionConfig, widget_url: str) -> list[str]:
    """Every setting that is unsafe or broken in production, each with what to do (empty: start)."""
    problems = []
    key = secret_key_problem(settings.secret_key)
    if key:
        problems.append(key)
    token = settings.twilio_auth_token.strip()
    if not token:
        problems.append("TWILIO_AUTH_TOKEN is empty: no SMS signature can be checked. Set the Auth Token "
                        "from Twilio's console (or your SMS provider's).")
    elif token.lower() in KNOWN_TWILIO_TOKENS or PLACEHOLDER_WORDS.search(token):
        problems.append("TWILIO_AUTH_TOKEN is the development or test value or the example's placeholder: "
                        "anyone could sign SMS requests with it. Set the Auth Token from Twilio's console.")
    if settings.sms_skip_signature:
        problems.append("SMS_SKIP_SIGNATURE is true: anyone could post SMS messages as any phone number. "
                        "Set SMS_SKIP_SIGNATURE=false.")
    if not settings.sms_public_url.strip():
        problems.append("SMS_PUBLIC_URL is not set: set it to the webhook URL exactly as in Twilio's console "
                        "(the signature covers it; a proxy changes what the server would otherwise see).")
    elif loopback_host(settings.sms_public_url):
        problems.append(f"SMS_PUBLIC_URL points at this machine ({settings.sms_public_url}): Twilio signs the "
                        "public webhook URL, so every SMS would be refused. Set the URL from Twilio's console.")
    if tls_on(settings, config) and not settings.cookie_secure:
        problems.append("COOKIE_SECURE is false with TLS on: the staff session cookie would also be sent over "
                        "plain HTTP. Set COOKIE_SECURE=true.")
    if config.start_web and (loopback_host(widget_url) or not urlsplit(widget_url).hostname):
        problems.append(f"the widget's server URL is {widget_url or 'empty'} (WIDGET_SERVER_URL, else RASA_URL): "
                        "patients' browsers would look for the assistant on their own computer. Set "
                        "WIDGET_SERVER_URL to the public address nginx serves (PUBLIC_BASE_URL).")
    if not settings.clinic_phone.strip():
        problems.append("CLINIC_PHONE is not set: the SMS HELP reply and the bot's 'contact the clinic' "
                        "wordings give the clinic's number. Set CLINIC_PHONE.")
    return problems


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--env-file", type=Path, help="read settings from this file (the environment wins)")
    parser.add_argument("--servers", type=int, help="number of Rasa servers on this machine (RASA_SERVERS)")
    parser.add_argument("--check", action="store_true", help="render and test the nginx config, check PostgreSQL and Redis, exit")
    args = parser.parse_args(argv)

    if args.env_file:
        from dotenv import load_dotenv

        if not args.env_file.exists():
            print(f"No such file: {args.env_file}", file=sys.stderr)
            return 2
        load_dotenv(args.env_file, override=False)
    if args.servers is not None:
        os.environ["RASA_SERVERS"] = str(args.servers)
    settings = load_settings()
    try:
        config = load_config(os.environ)
    except ValueError as exc:
        print(f"Configuration: {exc}", file=sys.stderr)
        return 2
    from bot.web.demo import widget_server_url

    problems = production_problems(settings, config, widget_server_url(settings))
    if problems:
        for problem in problems:
            print(f"Refusing to start: {problem}", file=sys.stderr)
        return 2
    if not MODEL.exists():
        print("No trained model: run `make train` first.", file=sys.stderr)
        return 1
    if settings.database_url.startswith("sqlite") and config.servers + len(config.extra_upstreams) > 1:
        print("WARNING: several Rasa servers on a SQLite file: set DATABASE_URL to PostgreSQL.", file=sys.stderr)

    if args.check:
        try:
            if config.start_nginx:
                check_nginx_conf(config, write_nginx_conf(settings, config))
                print(f"nginx: {config.run_dir / 'nginx.conf'} is valid")
            check_redis(config)
            print(f"Redis: {config.redis_host}:{config.redis_port} db {config.redis_db} answers")
            prepare_database(settings.database_url)
            print("Database: tables are in place")
        except Exception as exc:  # noqa: BLE001 - a check reports what failed and stops
            print(f"Check failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
        return 0

    try:
        deployment = start(settings, config)
    except Exception as exc:  # noqa: BLE001 - start-up reports what failed and stops
        print(f"Start-up failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    stopping = stop_requested_by_signals()
    from bot.purge import start_daily_purge

    purge = start_daily_purge(settings, enabled=config.scheduled_purge)
    code = 0
    try:
        deployment.wait_until_ready()
        print(
            f"\nReady: {config.servers} Rasa server(s) on {', '.join(deployment.rasa_urls)} (localhost only),\n"
            f"  action server http://127.0.0.1:{settings.action_port}, web app http://127.0.0.1:{settings.web_port},\n"
            f"  nginx (public) on {config.listen}. Logs in {config.log_dir}. Ctrl-C stops all.\n",
            flush=True,
        )
        supervise(deployment.services, stopping)
    except (RuntimeError, TimeoutError) as exc:
        print(f"Start-up failed: {exc}", file=sys.stderr)
        code = 1
    finally:
        if purge is not None:
            purge.stop()
        deployment.stop()
    return code


if __name__ == "__main__":
    sys.exit(main())
