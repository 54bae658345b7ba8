"""deploy/nginx.conf.template: HSTS with TLS, the patient's address behind a load balancer, logs without query strings.

Rendered here, tested with `nginx -t`, and run: a real nginx in front of a web app that is not
there (every proxied request is a 502 with an error-log line) shows what the logs keep and that
patients behind one load balancer have rate-limit buckets of their own. nginx missing: skipped,
with the reason; under CI a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from bot.run import Service, Services
from bot.settings import Settings
from deploy.run_production import (
    ProductionConfig,
    config_problems,
    nginx_command,
    redact_query_strings,
    render_nginx_conf,
    write_nginx_conf,
)
from tests.conftest import free_port, unavailable

NGINX = os.environ.get("NGINX_BIN") or shutil.which("nginx") or "/usr/sbin/nginx"
HSTS = 'add_header Strict-Transport-Security "max-age=31536000" always;'


def need_nginx() -> None:
    if not Path(NGINX).exists():
        unavailable(f"nginx not found (looked for {NGINX}; install Debian's nginx-light or set NGINX_BIN)")


def config_in(tmp_path: Path, **changes) -> ProductionConfig:
    return replace(ProductionConfig(run_dir=tmp_path / "run", nginx_bin=NGINX, listen=f"127.0.0.1:{free_port()}"),
                   **changes)


# --- rendering -------------------------------------------------------------------------------------


def test_hsts_only_with_tls(tmp_path: Path) -> None:
    plain = render_nginx_conf(Settings(), config_in(tmp_path))
    assert "Strict-Transport-Security" not in plain
    with_cert = render_nginx_conf(Settings(), config_in(tmp_path, tls_cert="/c.pem", tls_key="/k.pem"))
    assert with_cert.count(HSTS) == 1
    # TLS ended by a load balancer in front: PUBLIC_BASE_URL is https.
    behind = render_nginx_conf(Settings(public_base_url="https://assistant.example"), config_in(tmp_path))
    assert behind.count(HSTS) == 1


def test_real_ip_from_the_trusted_proxies_only(tmp_path: Path) -> None:
    none = render_nginx_conf(Settings(), config_in(tmp_path))
    assert "set_real_ip_from" not in none and "real_ip_header" not in none
    conf = render_nginx_conf(Settings(), config_in(tmp_path, trusted_proxies=("10.0.0.0/8", "192.168.1.7")))
    assert "    set_real_ip_from 10.0.0.0/8;\n    set_real_ip_from 192.168.1.7;\n" in conf
    assert "    real_ip_header X-Forwarded-For;\n    real_ip_recursive on;\n" in conf
    conf = render_nginx_conf(Settings(), config_in(tmp_path, trusted_proxies=("10.1.2.3",), real_ip_header="X-Real-IP"))
    assert "real_ip_header X-Real-IP;" in conf


def test_bad_proxy_ranges_and_header_names_are_refused(tmp_path: Path) -> None:
    problems = config_problems(config_in(tmp_path, trusted_proxies=("10.0.0.0/8", "not-a-range"),
                                         real_ip_header="X-Forwarded-For; evil", staff_burst=0))
    assert problems == [
        "NGINX_STAFF_BURST must be at least 1, got 0",
        "NGINX_TRUSTED_PROXIES: 'not-a-range' is not an address or a CIDR range",
        "NGINX_REAL_IP_HEADER must be a header name, got 'X-Forwarded-For; evil'",
    ]


def test_the_logs_never_name_the_query_string(tmp_path: Path) -> None:
    conf = render_nginx_conf(Settings(), config_in(tmp_path))
    log_format = conf[conf.index("log_format"):conf.index("access_log")]
    assert "$uri" in log_format
    for leaky in ("$request_uri", "$request ", '$request"', "$args", "$query_string", "$http_referer"):
        assert leaky not in log_format
    # The error log goes only to stderr, i.e. through the launcher's filter.
    error_logs = [line.strip() for line in conf.splitlines() if line.strip().startswith("error_log")]
    assert error_logs == ["error_log stderr warn;"]
    assert nginx_command(config_in(tmp_path), tmp_path / "nginx.conf")[3:5] == ["-e", "stderr"]


@pytest.mark.parametrize(("line", "expected"), [
    ('2024/05/01 10:00:00 [error] 12#12: *3 connect() failed (111: Connection refused) while connecting to upstream, '
     'client: 1.2.3.4, server: _, request: "GET /staff?q=jane+doe HTTP/1.1", '
     'upstream: "http://127.0.0.1:8000/staff?q=jane+doe", host: "a.example", referrer: "https://a.example/staff?q=6135550100"',
     '2024/05/01 10:00:00 [error] 12#12: *3 connect() failed (111: Connection refused) while connecting to upstream, '
     'client: 1.2.3.4, server: _, request: "GET /staff", upstream: "http://127.0.0.1:8000/staff", host: "a.example", '
     'referrer: "https://a.example/staff"'),
    ('[warn] limiting requests, excess: 20.5 by zone "metro_staff", client: 1.2.3.4, request: "GET /staff/requests?q=613 555 HTTP/1.1"',
     '[warn] limiting requests, excess: 20.5 by zone "metro_staff", client: 1.2.3.4, request: "GET /staff/requests"'),
    ('[notice] start worker processes', '[notice] start worker processes'),
])
def test_the_error_log_filter_cuts_query_strings(line: str, expected: str) -> None:
    assert redact_query_strings(line) == expected


# --- nginx itself ------------------------------------------------------------------------------------


def self_signed(tmp_path: Path) -> tuple[str, str]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return str(cert), str(key)


@pytest.mark.parametrize("tls", [False, True])
def test_nginx_accepts_the_rendered_config(tmp_path: Path, tls: bool) -> None:
    need_nginx()
    cert, key = self_signed(tmp_path) if tls else ("", "")
    config = config_in(tmp_path, tls_cert=cert, tls_key=key, trusted_proxies=("10.0.0.0/8", "127.0.0.1"))
    conf = write_nginx_conf(Settings(public_base_url="https://a.example"), config)
    result = subprocess.run(nginx_command(config, conf, test=True), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def wait_for_port(process: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, f"nginx exited with code {process.returncode}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_a_running_nginx_keeps_patients_apart_and_their_searches_out_of_the_logs(tmp_path: Path) -> None:
    need_nginx()
    port = free_port()
    # Behind a load balancer on 127.0.0.1; one staff request a minute per client, a burst of one.
    config = config_in(tmp_path, listen=f"127.0.0.1:{port}", trusted_proxies=("127.0.0.1",),
                       staff_rate="1r/m", staff_burst=1)
    settings = Settings(web_port=free_port(), public_base_url="https://a.example")  # nothing listens on web_port
    conf = write_nginx_conf(settings, config)
    services = Services(settings, dict(os.environ), log_dir=config.log_dir, new_session=True)
    nginx = Service("nginx", nginx_command(config, conf), "", output_filter=redact_query_strings)
    services.spawn(nginx)
    services.items.append(nginx)
    try:
        wait_for_port(nginx.process, port)
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(timeout=10) as client:
            patient = {"X-Forwarded-For": "203.0.113.7"}
            first = client.get(f"{base}/staff?q=jane+doe", headers=patient)
            client.get(f"{base}/staff?q=jane", headers=patient)  # the burst
            again = client.get(f"{base}/staff?q=6135550100", headers=patient)
            other = client.get(f"{base}/staff?q=smith", headers={"X-Forwarded-For": "198.51.100.9"})
    finally:
        services.stop(timeout=10)
    # The first patient's second request is over the limit; another patient has a bucket of their own.
    assert (first.status_code, again.status_code, other.status_code) == (502, 429, 502)
    assert first.headers["strict-transport-security"] == "max-age=31536000"
    assert again.headers["strict-transport-security"] == "max-age=31536000"

    access = (config.log_dir / "nginx-access.log").read_text()
    assert access.startswith("203.0.113.7 ")
    assert '"GET /staff" 502' in access and '"GET /staff" 429' in access
    errors = (config.log_dir / "nginx.log").read_text()
    assert "connect() failed" in errors and "limiting requests" in errors
    assert 'request: "GET /staff"' in errors
    for private in ("jane", "6135550100", "smith", "?q="):
        assert private not in access and private not in errors
