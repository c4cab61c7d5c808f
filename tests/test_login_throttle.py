"""Login throttling per (username, client address): growing delays instead of a lockout, so
guessing is slowed while nobody can lock a user out from another address."""
import http.client
import json
import threading
from datetime import timedelta

from sqlalchemy import select
from werkzeug.serving import make_server

from app.extensions import db
from app.models import LoginThrottle
from tests.identity_support import chain_ok, events_since, last_seq
from tests.support import DEMO_PASSWORD, at
from tests.web_support import Pages

START = at(2026, 3, 2, 9)
WRONG = {"username": "ga_wang", "password": "a-wrong-guess"}
RIGHT = {"username": "ga_wang", "password": DEMO_PASSWORD}
ELSEWHERE = {"REMOTE_ADDR": "10.20.30.40"}


def _login(api, body, address=None):
    return api.post("/auth/login", json=body, environ_base={"REMOTE_ADDR": address or "127.0.0.1"})


def _failures(username="ga_wang", address="127.0.0.1"):
    row = db.session.scalar(select(LoginThrottle).where(LoginThrottle.username == username,
                                                        LoginThrottle.address == address))
    db.session.remove()
    return row.failures if row else 0


def test_five_failures_then_growing_delays(api):
    seq = last_seq()
    for _ in range(4):
        assert _login(api, WRONG).status_code == 401
    fifth = _login(api, WRONG)
    assert fifth.status_code == 401 and fifth.get_json()["error"]["details"] == {"retry_after": 30}
    now, waits = START, []
    for _ in range(6):
        refused = _login(api, RIGHT)  # even the right password waits
        assert refused.status_code == 429, refused.get_json()
        error = refused.get_json()["error"]
        assert error["code"] == "too_many_attempts" and str(error["details"]["retry_after"]) in error["message"]
        assert refused.headers["Retry-After"] == str(error["details"]["retry_after"])
        waits.append(error["details"]["retry_after"])
        now += timedelta(seconds=waits[-1])
        api.set_clock(now)
        assert _login(api, WRONG).status_code == 401
    assert waits == [30, 60, 120, 240, 480, 900]
    assert _login(api, RIGHT).get_json()["error"]["details"]["retry_after"] == 900  # capped at 15 minutes
    failed = [e for e in events_since(seq) if e.type == "login_failed"]
    assert [e.data["failures"] for e in failed] == list(range(1, 12))
    assert [e.data["retry_after"] for e in failed] == [None] * 4 + [30, 60, 120, 240, 480, 900, 900]
    chain_ok(api)


def test_a_refused_try_is_not_counted(api):
    for _ in range(5):
        _login(api, WRONG)
    for _ in range(3):
        assert _login(api, WRONG).status_code == 429
    assert _failures() == 5
    api.set_clock(START + timedelta(seconds=30))
    assert _login(api, WRONG).get_json()["error"]["details"] == {"retry_after": 60}


def test_another_address_still_logs_in_so_nobody_can_lock_the_admin_out(api):
    attack = {"username": "admin", "password": "guess-number-x"}
    for _ in range(5):
        assert _login(api, attack).status_code == 401
    assert _login(api, {"username": "admin", "password": DEMO_PASSWORD}).status_code == 429
    seq = last_seq()
    ok = _login(api, {"username": "admin", "password": DEMO_PASSWORD}, "10.20.30.40")
    assert ok.status_code == 200
    (event,) = events_since(seq)
    assert (event.type, event.data) == ("user_logged_in", {"address": "10.20.30.40", "via": "api"})
    assert _failures("admin") == 5  # the attacker's address keeps its wait
    assert _login(api, {"username": "admin", "password": DEMO_PASSWORD}).status_code == 429
    # the pages use the same rule: the attacker's address waits, another logs in
    page = Pages(api.app).post("/login", {"username": "admin", "password": DEMO_PASSWORD})
    assert page.status_code == 429 and "秒后再试" in page.get_data(as_text=True)
    elsewhere = Pages(api.app)
    elsewhere.client.environ_base.update(ELSEWHERE)
    elsewhere.login("admin")
    assert elsewhere.get("/admin").status_code == 200


def test_a_success_clears_the_count_of_its_address_only(api):
    for _ in range(4):
        _login(api, WRONG)
        _login(api, WRONG, "10.20.30.40")
    assert _login(api, RIGHT).status_code == 200
    assert (_failures(), _failures(address="10.20.30.40")) == (0, 4)
    for _ in range(4):
        assert _login(api, WRONG).status_code == 401
    assert _login(api, RIGHT).status_code == 200  # four again is still below the threshold
    assert _login(api, WRONG, "10.20.30.40").get_json()["error"]["details"] == {"retry_after": 30}


def test_failures_are_forgotten_after_a_quiet_window(api):
    for _ in range(5):
        _login(api, WRONG)
    api.set_clock(START + timedelta(minutes=15, seconds=31))  # the 30 s wait, then 15 quiet minutes
    assert _login(api, WRONG).get_json()["error"]["details"] == {}
    assert _failures() == 1


def test_long_quiet_rows_are_dropped_on_the_next_failure(api):
    for _ in range(5):
        _login(api, {"username": "guessed-name", "password": "whatever-it-is"})
    api.set_clock(START + timedelta(minutes=30, seconds=1))
    _login(api, WRONG)
    assert (_failures("guessed-name"), _failures()) == (0, 1)


def test_an_unknown_username_is_throttled_like_a_known_one_and_not_recorded(api):
    seq = last_seq()
    for _ in range(5):
        resp = _login(api, {"username": "my-secret-pw", "password": "whatever-it-is"})
        assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "bad_credentials"
    assert _login(api, {"username": "my-secret-pw", "password": "whatever-it-is"}).status_code == 429
    failed = events_since(seq)
    assert [(e.type, e.element, e.data["reason"]) for e in failed] == [("login_failed", None, "unknown_user")] * 5
    assert all("my-secret-pw" not in str(e.data) for e in failed)  # perhaps a password typed as the name


def _post_login(port: int, body: dict) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("POST", "/api/v1/auth/login", body=json.dumps(body), headers={"Content-Type": "application/json"})
        return conn.getresponse().status
    finally:
        conn.close()


def test_racing_failures_are_all_counted(api):
    """Ten wrong passwords at once from one address: every failure that was answered 401 is
    counted and audited (no lost update), and the right password right after must wait."""
    srv = make_server("127.0.0.1", 0, api.app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    seq = last_seq()
    barrier, statuses = threading.Barrier(10), []

    def attempt():
        barrier.wait()
        statuses.append(_post_login(srv.server_port, WRONG))

    try:
        workers = [threading.Thread(target=attempt) for _ in range(10)]
        for w in workers:
            w.start()
        for w in workers:
            w.join(60)
        right = _post_login(srv.server_port, RIGHT)
    finally:
        srv.shutdown()
        thread.join(5)
    assert set(statuses) <= {401, 429} and len(statuses) == 10, statuses
    failed = [e for e in events_since(seq) if e.type == "login_failed"]
    assert _failures() == statuses.count(401) == len(failed) >= 5
    assert sorted(e.data["failures"] for e in failed) == list(range(1, len(failed) + 1))
    assert right == 429
    chain_ok(api)


def test_behind_a_reverse_proxy_the_forwarded_client_address_is_counted(api):
    """With DSF_PROXY_HOPS=1 the client named by the proxy is the address, so clients behind
    one proxy are not throttled together; without it X-Forwarded-For is not believed."""
    from app import create_app

    behind = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": api.app.config["SQLALCHEMY_DATABASE_URI"],
                         "DSF_SCHEDULER": "off", "DSF_PROXY_HOPS": 1, "DSF_ARGON2": api.app.config["DSF_ARGON2"]})
    forwarded = {"X-Forwarded-For": "203.0.113.9"}
    assert behind.test_client().post("/api/v1/auth/login", json=WRONG, headers=forwarded).status_code == 401
    assert api.client.post("/api/v1/auth/login", json=WRONG, headers=forwarded).status_code == 401
    assert (_failures(address="203.0.113.9"), _failures(address="127.0.0.1")) == (1, 1)
    with behind.app_context():
        db.engine.dispose()
