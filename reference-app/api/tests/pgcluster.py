"""Start and stop a throwaway PostgreSQL cluster for one test session."""
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg2

PG_BIN_CANDIDATES = ("/usr/lib/postgresql/15/bin",)
FAST_UNSAFE = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off")


def find_pg_bin():
    """Return the directory holding initdb and pg_ctl, or raise with a hint."""
    for candidate in [os.environ.get("PG_BIN", "")] + list(PG_BIN_CANDIDATES):
        if candidate and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    on_path = shutil.which("pg_ctl")
    if on_path:
        return Path(on_path).parent
    raise RuntimeError(
        "PostgreSQL binaries not found: install postgresql-15, set PG_BIN to the directory with "
        "initdb and pg_ctl, or set TEST_DATABASE_URL to an existing database"
    )


def free_port():
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TempCluster:
    """A PostgreSQL cluster in a temp directory, listening on 127.0.0.1 only."""

    def __init__(self, dbname="tagtrust_test"):
        self.bin = find_pg_bin()
        self.dbname = dbname
        self.dir = Path(tempfile.mkdtemp(prefix="tagtrust-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        # PostgreSQL refuses to run as root, so the cluster belongs to "postgres".
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as:
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *args):
        subprocess.run(self._as + [str(a) for a in args], check=True, capture_output=True, cwd=self.dir)

    def start(self):
        """Create the cluster and the test database; return its URL."""
        try:
            self._run(self.bin / "initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                      "--no-sync", "--locale=C")
            options = f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.dir} {FAST_UNSAFE}"
            self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.dir / "postgres.log", "-w", "-o", options, "start")
        except subprocess.CalledProcessError as exc:
            log = (self.dir / "postgres.log")
            detail = log.read_text() if log.exists() else ""
            raise RuntimeError(f"could not start PostgreSQL: {exc.stderr.decode()}{detail}") from exc
        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{self.dbname}"')
        conn.close()
        return self.url

    @property
    def url(self):
        return f"postgresql://postgres@127.0.0.1:{self.port}/{self.dbname}"

    def stop(self):
        """Stop the server and remove its directory."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
