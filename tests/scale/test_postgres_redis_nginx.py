"""The production profile on the real engines: PostgreSQL, Redis, nginx and two Rasa servers.

Started with deploy.run_production (the same launcher as production) on free localhost ports,
a database of its own (metro_scale_<random>, dropped afterwards) and a Redis key prefix of its
own. Skipped, with the reason, when PostgreSQL, Redis, nginx or the trained model is missing; under
CI (CI=true) that is a failure instead. PostgreSQL that asks for a password: SCALE_PG_PASSWORD.

The loads talk to the two Rasa servers' REST channels directly on 127.0.0.1, alternating each
conversation's turns between the servers: REST is refused at nginx by design (its caller picks
any conversation id), and SMS through nginx is round-robin, not alternating per conversation.
nginx itself is checked separately: SMS and socket.io proxied, REST and Rasa's API refused,
the rate limit.

Figures (turns, latency, errors, recovery after kill -9) go to reports/scale/results.json.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import statistics
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import httpx
import pytest

from bot.run import MODEL
from bot.settings import ROOT, load_settings
from tests.conftest import (
    TEST_SECRET,
    TEST_TWILIO_TOKEN,
    free_port,
    postgres_connect,
    postgres_problem,
    postgres_url,
    unavailable,
)
from tests.e2e.helpers import SCREENING_ANSWERS, texts

pytestmark = pytest.mark.scale

REDIS_HOST = os.environ.get("SCALE_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("SCALE_REDIS_PORT", "6379"))
REDIS_DB = 1
NGINX = os.environ.get("NGINX_BIN") or shutil.which("nginx") or "/usr/sbin/nginx"
RESULTS = ROOT / "reports" / "scale" / "results.json"

LOAD_CONVERSATIONS = 50
CRASH_CONVERSATIONS = 10
# A server killed mid-turn leaves its Redis ticket behind: that conversation waits this long.
LOCK_LIFETIME = 30
TURN_TIMEOUT = 120.0

FIRST_NAMES = ("jane", "mary", "anne", "susan", "laura", "emma", "claire", "helen", "karen", "julia")
LAST_NAMES = ("doe", "smith", "brown", "wilson", "taylor")
CRASH_FIRST = ("paul", "peter", "david", "james", "henry")
CRASH_LAST = ("clark", "young")


# --- availability -------------------------------------------------------------------------


def missing() -> Optional[str]:
    """Why this machine cannot run the scale test, or None."""
    if not MODEL.exists():
        return f"no trained model at {MODEL}: run `make train`"
    if not Path(NGINX).exists():
        return f"nginx not found (looked for {NGINX}; install Debian's nginx-light or set NGINX_BIN)"
    problem = postgres_problem()
    if problem:
        return problem
    try:
        import redis

        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, socket_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        return f"Redis not reachable at {REDIS_HOST}:{REDIS_PORT}: {type(exc).__name__}"
    return None


# --- the cluster --------------------------------------------------------------------------


@dataclass
class Cluster:
    deployment: object
    database: str
    database_url: str
    nginx_url: str
    log_dir: Path
    figures: dict[str, object] = field(default_factory=dict)

    @property
    def rasa_urls(self) -> list[str]:
        return self.deployment.rasa_urls

    def rest(self, server: int) -> str:
        return f"{self.rasa_urls[server]}/webhooks/rest/webhook"

    def query(self, sql: str, params: Sequence = ()) -> list[tuple]:
        conn = postgres_connect(self.database)
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()
        finally:
            conn.close()

    def user_texts(self, sender: str) -> list[str]:
        rows = self.query("SELECT data FROM events WHERE sender_id = %s AND type_name = 'user' ORDER BY id", (sender,))
        return [json.loads(data)["text"] for (data,) in rows]

    def requests_for(self, sender: str) -> list[tuple[str, str]]:
        return self.query(
            "SELECT full_name, phone FROM consultation_requests WHERE conversation_id = %s ORDER BY id", (sender,)
        )

    def access_log(self) -> list[str]:
        path = self.log_dir / "nginx-access.log"
        return path.read_text().splitlines() if path.exists() else []

    def error_lines(self) -> list[str]:
        """ERROR lines the Rasa and action servers have logged so far."""
        lines = []
        for path in sorted(self.log_dir.glob("*.log")):
            if path.name.startswith(("rasa-", "actions")):
                lines += [f"{path.stem}: {line}" for line in path.read_text(errors="replace").splitlines() if " ERROR " in line]
        return lines

    def record(self, **figures: object) -> None:
        self.figures.update(figures)
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(self.figures, indent=2, default=str) + "\n")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    reason = missing()
    if reason:
        unavailable(reason)
    import redis

    from deploy.run_production import load_config, start

    tag = uuid.uuid4().hex[:10]
    database = f"metro_scale_{tag}"
    admin = postgres_connect()
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{database}"')
    run_dir = tmp_path_factory.mktemp("production")
    nginx_port = free_port()
    base = free_port()
    while any(_port_taken(base + i) for i in range(2)):
        base = free_port()
    database_url = postgres_url(database)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "RASA_SERVERS": "2",
        "RASA_PORT": str(base),
        "ACTION_PORT": str(free_port()),
        "WEB_PORT": str(free_port()),
        "RASA_URL": f"http://127.0.0.1:{base}",
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{nginx_port}",
        "NGINX_LISTEN": f"127.0.0.1:{nginx_port}",
        "NGINX_BIN": NGINX,
        "PRODUCTION_RUN_DIR": str(run_dir),
        "REDIS_HOST": REDIS_HOST,
        "REDIS_PORT": str(REDIS_PORT),
        "REDIS_DB": str(REDIS_DB),
        "REDIS_KEY_PREFIX": f"metroscale{tag}",
        "TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME),
        "TWILIO_AUTH_TOKEN": TEST_TWILIO_TOKEN,
        # Unset on purpose: the SMS channel rebuilds the signed URL from nginx's X-Forwarded-*.
        "SMS_PUBLIC_URL": "",
        "SMS_SKIP_SIGNATURE": "false",
        "SECRET_KEY": TEST_SECRET,
        "CLINIC_PHONE": "613-555-0100",
        "LOG_LEVEL": "INFO",
    }
    settings = load_settings(env, dotenv=False)
    config = load_config(env)
    started = time.monotonic()
    deployment = None
    try:
        deployment = start(settings, config, env=env)
        deployment.wait_until_ready(timeout=240)
        cluster = Cluster(deployment, database, database_url, f"http://127.0.0.1:{nginx_port}", config.log_dir)
        cluster.record(machine=f"{os.cpu_count()} cores", start_seconds=round(time.monotonic() - started, 1))
        yield cluster
    finally:
        if deployment is not None:
            deployment.stop()
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.close()
        client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)
        for key in client.scan_iter(f"metroscale{tag}:*"):
            client.delete(key)


def _port_taken(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


# --- conversations ------------------------------------------------------------------------


@dataclass
class Conversation:
    sender: str
    name: str  # as the patient types it
    phone: str  # as the patient types it
    turns: list[str]

    @property
    def shown_name(self) -> str:
        return self.name.title()

    @property
    def e164(self) -> str:
        return "+1" + re.sub(r"\D", "", self.phone)


def screening(sender: str, name: str, phone: str) -> Conversation:
    answers = list(SCREENING_ANSWERS)
    assert "jane doe" in answers and "613-722-1234" in answers, "tests/e2e/helpers.py changed its answers"
    answers[answers.index("jane doe")] = name
    answers[answers.index("613-722-1234")] = phone
    return Conversation(sender, name, phone, ["I'd like to book a consultation", *answers, "Yes"])


def screenings(prefix: str, firsts: Sequence[str], lasts: Sequence[str], phone_prefix: str,
               count: int) -> list[Conversation]:
    """`count` screenings, each with its own sender, name (first x last) and phone number."""
    return [
        screening(f"{prefix}-{i:02d}", f"{firsts[i % len(firsts)]} {lasts[i // len(firsts)]}", f"{phone_prefix}{i:02d}")
        for i in range(count)
    ]


@dataclass
class Turn:
    conversation: int
    index: int
    server: int
    seconds: float
    status: Optional[int]
    error: str = ""
    replies: list[dict] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0


def post_turn(client: httpx.Client, url: str, sender: str, text: str) -> tuple[Optional[int], list[dict], str]:
    try:
        response = client.post(url, json={"sender": sender, "message": text}, timeout=TURN_TIMEOUT)
    except httpx.HTTPError as exc:
        return None, [], type(exc).__name__
    if response.status_code != 200:
        return response.status_code, [], f"HTTP {response.status_code}"
    return 200, response.json(), ""


def cpu_seconds(cluster: Cluster) -> dict[str, float]:
    """CPU time (user + system) of each service, and of all PostgreSQL and Redis processes."""
    ticks = os.sysconf("SC_CLK_TCK")

    def of(pid: int) -> Optional[tuple[str, float]]:
        try:
            head, tail = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)
        except OSError:
            return None
        fields = tail.split()
        return head.split("(", 1)[1], (int(fields[11]) + int(fields[12])) / ticks

    figures: dict[str, float] = {}
    for service in cluster.deployment.services.items:
        if service.process and service.process.poll() is None:
            found = of(service.process.pid)
            if found:
                figures[service.name] = found[1]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            found = of(int(entry.name))
            if found and (found[0] == "postgres" or found[0].startswith("redis-server")):
                key = "postgres (all)" if found[0] == "postgres" else "redis"
                figures[key] = figures.get(key, 0.0) + found[1]
    return figures


def cpu_per_turn(before: dict[str, float], after: dict[str, float], turns: int) -> dict[str, float]:
    return {name: round((after[name] - before.get(name, 0.0)) * 1000 / max(1, turns), 1) for name in after}


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def latency_figures(turns: Sequence[Turn]) -> dict[str, float]:
    ok = [t.seconds * 1000 for t in turns if t.status == 200]
    return {
        "p50_ms": round(percentile(ok, 50), 1),
        "p95_ms": round(percentile(ok, 95), 1),
        "p99_ms": round(percentile(ok, 99), 1),
        "max_ms": round(max(ok), 1) if ok else None,
        "mean_ms": round(statistics.fmean(ok), 1) if ok else None,
    }


def assert_stored_exactly(cluster: Cluster, conversations: Sequence[Conversation]) -> None:
    """Every tracker holds exactly its own user turns in order; one request per screening."""
    senders = [c.sender for c in conversations]
    counts = dict(
        cluster.query(
            "SELECT sender_id, count(*) FROM events WHERE type_name = 'user' AND sender_id = ANY(%s) GROUP BY sender_id",
            (senders,),
        )
    )
    wrong = {}
    for c in conversations:
        stored = cluster.user_texts(c.sender)
        if stored != c.turns:
            wrong[c.sender] = {"sent": len(c.turns), "stored": len(stored), "first_difference": _first_difference(c.turns, stored)}
    assert not wrong, f"trackers that differ from what was sent: {wrong}"
    assert counts == {c.sender: len(c.turns) for c in conversations}
    for c in conversations:
        rows = cluster.requests_for(c.sender)
        assert rows == [(c.shown_name, c.e164)], f"{c.sender}: consultation requests {rows}"


def _first_difference(sent: Sequence[str], stored: Sequence[str]) -> Optional[int]:
    for i, (a, b) in enumerate(zip(sent, stored, strict=False)):
        if a != b:
            return i
    return None if len(sent) == len(stored) else min(len(sent), len(stored))


# --- 1. fifty concurrent screenings, turns alternating between the servers ---------------


def test_fifty_concurrent_screenings_alternating_between_two_servers(cluster: Cluster):
    tag = uuid.uuid4().hex[:6]
    conversations = screenings(f"scale-{tag}", FIRST_NAMES, LAST_NAMES, "613-722-12", LOAD_CONVERSATIONS)
    start_together = threading.Barrier(LOAD_CONVERSATIONS)

    def run(i: int) -> list[Turn]:
        c = conversations[i]
        done: list[Turn] = []
        with httpx.Client() as client:
            start_together.wait()
            for index, text in enumerate(c.turns):
                server = (i + index) % 2
                began = time.monotonic()
                status, replies, error = post_turn(client, cluster.rest(server), c.sender, text)
                done.append(Turn(i, index, server, time.monotonic() - began, status, error, replies))
                if status != 200:
                    break  # the rest of this conversation would not make sense
        return done

    cpu_before = cpu_seconds(cluster)
    errors_before = len(cluster.error_lines())
    began = time.monotonic()
    with ThreadPoolExecutor(LOAD_CONVERSATIONS) as pool:
        results = list(pool.map(run, range(LOAD_CONVERSATIONS)))
    wall = time.monotonic() - began
    cpu_after = cpu_seconds(cluster)
    turns = [t for conv in results for t in conv]
    errors = [t for t in turns if t.status != 200]
    # A 200 with no reply: Rasa lost the turn's action (e.g. the action server call failed).
    empty = [t for t in turns if t.status == 200 and not t.replies]
    logged = cluster.error_lines()[errors_before:]
    per_server = [sum(1 for t in turns if t.server == s and t.status == 200) for s in (0, 1)]
    cluster.record(
        load={
            "conversations": LOAD_CONVERSATIONS,
            "turns": len(turns),
            "errors": len(errors),
            "empty_replies": len(empty),
            "error_lines_logged": len(logged),
            "turns_per_server": per_server,
            "seconds": round(wall, 1),
            "messages_per_second": round(len(turns) / wall, 1),
            **latency_figures(turns),
            "cpu_ms_per_turn": cpu_per_turn(cpu_before, cpu_after, len(turns)),
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        }
    )
    assert not errors, f"{len(errors)} failed turns, e.g. {[(e.conversation, e.index, e.error) for e in errors[:5]]}"
    assert not empty, (
        f"{len(empty)} turns answered with nothing (Rasa dropped an action's events), e.g. "
        f"{[(t.conversation, t.index) for t in empty[:5]]}; servers logged: {logged[:4]}"
    )
    for c, conv in zip(conversations, results, strict=False):
        summary, final = texts(conv[-2].replies), texts(conv[-1].replies)
        assert "Here's what I have" in summary and c.e164 in summary, f"{c.sender}: {summary!r}"
        assert f"Thank you, {c.shown_name}" in final, f"{c.sender}: {final!r}"
    assert_stored_exactly(cluster, conversations)


# --- 2. kill -9 one server in the middle of a second load ---------------------------------


def test_kill_minus_nine_mid_load_loses_no_completed_turn(cluster: Cluster):
    tag = uuid.uuid4().hex[:6]
    conversations = screenings(f"crash-{tag}", CRASH_FIRST, CRASH_LAST, "613-722-13", CRASH_CONVERSATIONS)
    victim, survivor = 0, 1
    resume_at = 7  # turns before this may meet the crash; from here every conversation resumes on the restarted server
    lock = threading.Lock()
    completed = [0]
    in_flight = [0, 0]
    victim_down = threading.Event()
    victim_back = threading.Event()
    killed_at: list[float] = []
    ready_at: list[float] = []
    turns: list[Turn] = []
    failures: list[Turn] = []
    stored_before_failure: list[int] = []

    def send(client: httpx.Client, i: int, index: int, server: int) -> Turn:
        c = conversations[i]
        with lock:
            in_flight[server] += 1
        began = time.monotonic()
        status, replies, error = post_turn(client, cluster.rest(server), c.sender, c.turns[index])
        ended = time.monotonic()
        with lock:
            in_flight[server] -= 1
            if status == 200:
                completed[0] += 1
        return Turn(i, index, server, ended - began, status, error, replies, began, ended)

    def run(i: int) -> None:
        c = conversations[i]
        with httpx.Client() as client:
            for index in range(len(c.turns)):
                if index == resume_at:
                    assert victim_back.wait(240), "the killed server did not come back"
                    server = victim  # the restarted server picks every conversation up
                else:
                    server = (i + index) % 2
                    if server == victim and victim_down.is_set() and not victim_back.is_set():
                        server = survivor  # what nginx does for a server that refuses connections
                turn = send(client, i, index, server)
                if turn.status != 200:
                    failures.append(turn)
                    # Completed or not? The tracker is saved at the end of a turn, all or nothing.
                    stored = len(cluster.user_texts(c.sender))
                    if stored == index + 1:
                        stored_before_failure.append(i)
                    else:
                        assert stored == index, f"{c.sender}: {stored} user turns stored before turn {index}"
                        turn = send(client, i, index, survivor)  # the client (or Twilio) tries again
                assert turn.status == 200 or index + 1 == len(cluster.user_texts(c.sender)), (
                    f"{c.sender} turn {index} on server {turn.server}: {turn.error}"
                )
                with lock:
                    turns.append(turn)

    def killer() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            with lock:
                if completed[0] >= 25 and in_flight[victim] >= 2:
                    break
            time.sleep(0.005)
        cluster.deployment.kill("rasa-1")
        killed_at.append(time.monotonic())
        victim_down.set()
        cluster.deployment.restart("rasa-1")
        cluster.deployment.wait_until_ready(timeout=240, names=["rasa-1"])
        ready_at.append(time.monotonic())
        victim_back.set()

    began = time.monotonic()
    with ThreadPoolExecutor(CRASH_CONVERSATIONS + 1) as pool:
        kill_job = pool.submit(killer)
        jobs = [pool.submit(run, i) for i in range(CRASH_CONVERSATIONS)]
        for job in jobs:
            job.result()
        kill_job.result()
    wall = time.monotonic() - began

    kill, ready = killed_at[0], ready_at[0]
    during_outage = [t for t in turns if t.server == survivor and kill <= t.ended <= ready and t.status == 200]
    after_restart = [t for t in turns if t.server == victim and t.started >= ready]
    resumed = sorted(after_restart, key=lambda t: t.ended)
    retried = [t for t in turns if t.server == survivor and any(f.conversation == t.conversation and f.index == t.index for f in failures)]
    cluster.record(
        crash={
            "conversations": CRASH_CONVERSATIONS,
            "turns_completed": sum(1 for t in turns if t.status == 200),
            "turns_failed_at_kill": len(failures),
            "of_which_in_flight": sum(1 for f in failures if f.error != "ConnectError"),
            "of_which_refused_while_down": sum(1 for f in failures if f.error == "ConnectError"),
            "empty_replies": sum(1 for t in turns if t.status == 200 and not t.replies),
            "failed_turns_found_stored": len(stored_before_failure),
            "turns_answered_by_survivor_during_outage": len(during_outage),
            "recovery_seconds_kill_to_restarted_server_ready": round(ready - kill, 1),
            "first_turn_on_restarted_server_after_kill_seconds": round(resumed[0].ended - kill, 1) if resumed else None,
            "slowest_retried_turn_seconds (waits for the dead server's Redis ticket)": round(
                max((t.seconds for t in retried), default=0.0), 1
            ),
            "ticket_lock_lifetime_seconds": LOCK_LIFETIME,
            "seconds": round(wall, 1),
        }
    )
    empty = [t for t in turns if t.status == 200 and not t.replies]
    assert not empty, f"turns answered with nothing: {[(t.conversation, t.index, t.server) for t in empty]}"
    assert any(f.error != "ConnectError" for f in failures), "the kill met no turn in flight: no crash was tested"
    assert all(f.server == victim for f in failures), "only the killed server's turns may fail"
    assert during_outage, "the other server answered nothing while one was down"
    assert len(after_restart) >= CRASH_CONVERSATIONS and all(t.status == 200 for t in after_restart)
    for c in conversations:
        assert any(t.server == victim and t.conversation == conversations.index(c) and t.index == resume_at for t in after_restart)
    finals = {t.conversation: t for t in turns if t.index == len(conversations[0].turns) - 1}
    for i, c in enumerate(conversations):
        if finals[i].status == 200:
            assert f"Thank you, {c.shown_name}" in texts(finals[i].replies)
    assert_stored_exactly(cluster, conversations)


# --- 3. nginx: public paths proxied, REST and the API refused, rates limited ---------------


def _raw_request(port: int, request: bytes) -> tuple[int, bytes]:
    """A request exactly as written (no client-side path normalisation): status and head."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    return int(data.split(b" ", 2)[1]), data


def _log_lines_for(cluster: Cluster, before: int, uri: str) -> list[str]:
    return [line for line in cluster.access_log()[before:] if f" {uri}\"" in line]


def test_nginx_refuses_rest_and_rasas_api(cluster: Cluster):
    for url in cluster.rasa_urls:
        assert httpx.get(url + "/", timeout=10).status_code == 200
    probe = f"probe-{uuid.uuid4().hex[:8]}"
    body = json.dumps({"sender": probe, "message": "hello"})
    before = len(cluster.access_log())
    refused = {
        ("POST", "/webhooks/rest/webhook"),
        ("GET", "/webhooks/rest/"),
        ("GET", f"/conversations/{probe}/tracker"),
        ("POST", f"/conversations/{probe}/messages"),
        ("GET", "/model"),
        ("PUT", "/model"),
        ("POST", "/model/parse"),
        ("GET", "/status"),
        ("GET", "/version"),
        ("GET", "/domain"),
    }
    with httpx.Client(base_url=cluster.nginx_url, timeout=10) as client:
        for method, path in sorted(refused):
            response = client.request(method, path, content=body, headers={"content-type": "application/json"})
            assert response.status_code in (403, 404), (method, path, response.status_code)
    port = int(cluster.nginx_url.rsplit(":", 1)[1])
    for path in ("/webhooks//rest/webhook", "/webhooks/rest%2Fwebhook", "/socket.io/../webhooks/rest/webhook",
                 "/socket.io/%2e%2e/webhooks/rest/webhook", "/x/../webhooks/rest/webhook"):
        request = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}"
        ).encode()
        status, _ = _raw_request(port, request)
        assert status in (400, 403, 404), (path, status)
    # None of it reached a Rasa server: no upstream in nginx's log, no tracker for the probe.
    for line in cluster.access_log()[before:]:
        if "/health" not in line:
            assert "upstream=-" in line, line
    assert cluster.user_texts(probe) == []
    assert cluster.query("SELECT count(*) FROM events WHERE sender_id = %s", (probe,)) == [(0,)]


def _sms_enabled() -> bool:
    return "bot.channels.sms.SmsInput" in (ROOT / "credentials.yml").read_text()


def test_nginx_proxies_the_sms_webhook_round_robin_with_forwarded_headers(cluster: Cluster):
    sms_url = f"{cluster.nginx_url}/webhooks/sms/webhook"
    before = len(cluster.access_log())
    unsigned = httpx.post(sms_url, data={"From": "+16135550199", "Body": "hello", "MessageSid": "SM" + "0" * 32}, timeout=20)
    assert unsigned.status_code < 500 and unsigned.status_code != 502
    (line,) = _log_lines_for(cluster, before, "/webhooks/sms/webhook")
    assert "upstream=127.0.0.1:" in line, f"not proxied: {line}"
    assert _sms_enabled(), "the SMS channel is not in credentials.yml"
    assert unsigned.status_code == 403  # the channel's own signature check, behind nginx

    from twilio.request_validator import RequestValidator

    from bot.channels.sms import conversation_id

    number = f"+1613555{uuid.uuid4().int % 10000:04d}"
    messages = ["hello", "what side effects can botox cause?", "can botox help with my TMJ?", "thanks"]
    validator = RequestValidator(TEST_TWILIO_TOKEN)
    before = len(cluster.access_log())
    for text in messages:
        params = {
            "From": number, "To": "+16135550100", "Body": text, "NumMedia": "0",
            "MessageSid": "SM" + uuid.uuid4().hex, "AccountSid": "AC" + "1" * 32,
        }
        # Signed for the public URL (nginx's); the server rebuilds it from X-Forwarded-Proto/Host.
        signature = validator.compute_signature(sms_url, params)
        response = httpx.post(sms_url, data=params, headers={"X-Twilio-Signature": signature}, timeout=30)
        assert response.status_code == 200, (text, response.status_code, response.text[:200])
        assert "<Response>" in response.text and "<Message>" in response.text
    upstreams = {re.search(r"upstream=(\S+)", line).group(1) for line in _log_lines_for(cluster, before, "/webhooks/sms/webhook")}
    assert upstreams == {u.removeprefix("http://") for u in cluster.rasa_urls}, upstreams  # round-robin
    assert cluster.user_texts(conversation_id(number, TEST_SECRET)) == messages


def test_nginx_proxies_socketio_sticky_with_websocket_upgrade(cluster: Cluster):
    port = int(cluster.nginx_url.rsplit(":", 1)[1])
    before = len(cluster.access_log())
    handshakes = [httpx.get(f"{cluster.nginx_url}/socket.io/", params={"EIO": "4", "transport": "polling"}, timeout=10) for _ in range(4)]
    for response in handshakes:
        assert response.status_code < 500, response.status_code
        assert "<center>nginx</center>" not in response.text, "answered by nginx, not proxied"
    lines = _log_lines_for(cluster, before, "/socket.io/")
    upstreams = {re.search(r"upstream=(\S+)", line).group(1) for line in lines}
    assert len(lines) == 4 and len(upstreams) == 1 and upstreams.pop().startswith("127.0.0.1:"), lines  # sticky
    assert handshakes[0].status_code == 200 and '"sid"' in handshakes[0].text, (
        f"the socket.io channel did not answer its handshake: {handshakes[0].status_code} {handshakes[0].text[:200]}"
    )
    sid = json.loads(handshakes[0].text[handshakes[0].text.index("{"):])["sid"]
    request = (
        f"GET /socket.io/?EIO=4&transport=websocket&sid={sid} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        f"Sec-WebSocket-Version: 13\r\nOrigin: {cluster.nginx_url}\r\n\r\n"
    ).encode()
    status, head = _raw_request(port, request)
    assert status == 101, head[:300]


def test_nginx_limits_the_request_rate_per_client(cluster: Cluster):
    config = cluster.deployment.config
    rate = int(config.web_rate.split("r/")[0])
    statuses: list[int] = []

    def hit(_: int) -> None:
        with httpx.Client(timeout=10) as client:
            for _ in range(15):
                statuses.append(client.get(f"{cluster.nginx_url}/health").status_code)

    began = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(hit, range(8)))
    elapsed = time.monotonic() - began
    passed = statuses.count(200)
    limited = sum(1 for s in statuses if s in (429, 503))
    cluster.record(rate_limit={"requests": len(statuses), "passed": passed, "limited": limited, "seconds": round(elapsed, 2),
                               "rate": config.web_rate, "burst": config.web_burst})
    assert passed + limited == len(statuses), sorted(set(statuses))
    assert limited > 0, "nothing was limited"
    assert passed <= config.web_burst + 1 + rate * elapsed + 2, (passed, elapsed)
    time.sleep(1.0)
    assert httpx.get(f"{cluster.nginx_url}/health", timeout=10).status_code == 200  # and it recovers
