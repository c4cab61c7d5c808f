"""A short run of bench/faults.py: gunicorn workers killed under load on PostgreSQL, nothing
acknowledged lost, nothing applied twice, no case half-done, the audit chain intact.

Needs PostgreSQL (TEST_DATABASE_URL); it uses a database of its own, FAULTS_DATABASE_URL or
the test database's name + ``_faults``, which it DROPS and re-creates."""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _faults_url() -> str | None:
    if os.environ.get("FAULTS_DATABASE_URL"):
        return os.environ["FAULTS_DATABASE_URL"]
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgres"):
        return None
    base, _, name = url.rpartition("/")
    return f"{base}/{name.split('?')[0]}_faults"


@pytest.mark.skipif(_faults_url() is None, reason="needs PostgreSQL (TEST_DATABASE_URL)")
def test_killed_workers_lose_and_duplicate_nothing():
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "faults.py"), "--commands", "80",
                           "--kill-every", "0.3", "--time-limit", "150", "--database-url", _faults_url()],
                          cwd=ROOT, capture_output=True, text=True, timeout=400)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "lost = 0, duplicated = 0, half-done = 0" in out, out
    assert "flask audit verify    : ok" in out, out
    kills = next(line for line in out.splitlines() if "kills" in line)
    assert "1 whole server" in kills and not kills.split(":")[1].strip().startswith("0 workers"), out
