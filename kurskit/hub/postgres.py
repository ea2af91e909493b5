"""A PostgreSQL cluster of the project's own, for hub mode without `KURSKIT_DB_URL`.

Debian's `postgresql` package provides the programs (`initdb`, `pg_ctl`), in
/usr/lib/postgresql/<version>/bin or on PATH. PostgreSQL refuses to run as root, so the
cluster belongs to an unprivileged account (`nobody`) and the server is started through
`runuser`. It listens on no TCP port at all: only on a Unix socket in the cluster's own
folder (mode 0700), where local connections are trusted, so no other account of the
machine can reach it and no password has to be kept anywhere. It is stopped by the
process id in its `postmaster.pid`, never by name.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

DATABASE = "kurskit"
SUPERUSER = "postgres"
PORT = 5432  # the socket's name (.s.PGSQL.5432) in the cluster's own folder; no TCP
SEARCH = [Path("/usr/local/bin"), *sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                                           key=lambda p: p.parent.name, reverse=True)]


class PostgresError(RuntimeError):
    """The cluster could not be set up, started or stopped (English, for operators)."""


def program(name: str) -> Path:
    """A PostgreSQL program: on PATH, else from Debian's versioned folder."""
    found = shutil.which(name)
    if found:
        return Path(found)
    for folder in SEARCH:
        if (folder / name).is_file():
            return folder / name
    raise PostgresError(f"{name} not found: install PostgreSQL (apt-get install postgresql)")


@dataclass(frozen=True)
class Cluster:
    folder: Path
    owner: str = "nobody"

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder / "sock"

    @property
    def log(self) -> Path:
        return self.folder / "postgres.log"

    def url(self, database: str = DATABASE) -> str:
        """SQLAlchemy's address of a database of the cluster (psycopg2, over the socket)."""
        return (f"postgresql+psycopg2://{SUPERUSER}@/{database}"
                f"?host={self.socket_dir}&port={PORT}")

    def _as_owner(self, command: list[str]) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", self.owner, "--", *command]
        return command

    def _chown(self, path: Path) -> None:
        if os.geteuid() == 0:
            entry = pwd.getpwnam(self.owner)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    def initialise(self) -> None:
        """Create the cluster (once) with a trusted superuser on the socket only."""
        if (self.data / "PG_VERSION").is_file():
            return
        for folder in (self.folder, self.socket_dir):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            folder.chmod(0o700)
            self._chown(folder)
        done = subprocess.run(self._as_owner(
            [str(program("initdb")), "-D", str(self.data), "-U", SUPERUSER, "-E", "UTF8",
             "--locale=C", "--auth-local=trust", "--auth-host=reject"]),
            capture_output=True, text=True)
        if done.returncode != 0:
            raise PostgresError(f"initdb failed:\n{done.stdout}\n{done.stderr}")

    def pid(self) -> int | None:
        """The running server's process id, from its pid file (None when it is not running)."""
        try:
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, 0)
        except (OSError, ValueError, IndexError):
            return None
        return pid

    def start(self) -> None:
        """Start the server (waiting until it accepts connections) and create the database."""
        self.initialise()
        if self.pid() is None:
            self.log.touch()
            self._chown(self.log)
            options = (f"-k {self.socket_dir} -c listen_addresses='' -p {PORT} "
                       "-c max_connections=200")
            done = subprocess.run(self._as_owner(
                [str(program("pg_ctl")), "-D", str(self.data), "-l", str(self.log), "-w",
                 "-t", "60", "-o", options, "start"]), capture_output=True, text=True)
            if done.returncode != 0:
                raise PostgresError(f"pg_ctl start failed:\n{done.stdout}\n{done.stderr}\n"
                                    f"{self.log.read_text(errors='replace')[-2000:]}")
        self.create_database(DATABASE)

    def create_database(self, name: str) -> None:
        import psycopg2

        connection = psycopg2.connect(dbname="postgres", user=SUPERUSER,
                                      host=str(self.socket_dir), port=PORT)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
                if cursor.fetchone() is None:
                    cursor.execute(f'CREATE DATABASE "{name}"')
        finally:
            connection.close()

    def stop(self, timeout: float = 30) -> None:
        """Stop the server by its pid (SIGINT: PostgreSQL's fast shutdown)."""
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGINT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.pid() == pid:
            time.sleep(0.1)
        if self.pid() == pid:
            os.kill(pid, signal.SIGQUIT)
