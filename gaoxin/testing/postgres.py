"""pytest plugin: with GAOXIN_TEST_DB=postgres, start a throwaway PostgreSQL cluster for the
test run and point DATABASE_URL at it; stop and delete it afterwards.

It uses the server binaries of the machine (`pg_config --bindir`, or GAOXIN_PG_BINDIR, or
/usr/lib/postgresql/*/bin). PostgreSQL refuses to run as root, so as root the cluster runs as
the `postgres` system user. Without binaries the run is skipped with a message saying so,
unless GAOXIN_REQUIRE_POSTGRES=1 (CI), where it is an error."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

_cluster: dict[str, Any] = {}
_skip_reason: str | None = None


def find_bindir() -> Path | None:
    explicit = os.environ.get("GAOXIN_PG_BINDIR")
    candidates: list[str] = []
    if explicit is not None:
        candidates.append(explicit)
    else:
        pg_config = shutil.which("pg_config")
        if pg_config:
            result = subprocess.run(
                [pg_config, "--bindir"], capture_output=True, text=True, check=False
            )
            candidates.append(result.stdout.strip())
        candidates.extend(sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True))
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").is_file():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_cluster_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def start_cluster(
    bindir: Path, *, durable: bool = False, max_connections: int = 200
) -> dict[str, Any]:
    """initdb and start a cluster on a free loopback port. Tests trade durability for speed
    (fsync, synchronous commit and full-page writes off); `durable=True` keeps PostgreSQL's
    defaults, as a production server runs (the load benchmarks use it)."""
    root = Path(tempfile.mkdtemp(prefix="gaoxin-pg-"))
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError as error:
            raise RuntimeError(
                "running as root but there is no 'postgres' system user to run the cluster"
            ) from error
        os.chown(root, account.pw_uid, account.pw_gid)
    data, log = root / "data", root / "server.log"
    subprocess.run(
        _as_cluster_user(
            [
                str(bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "gaoxin",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    settings = f"-k {root} -c listen_addresses=127.0.0.1 -c max_connections={max_connections}"
    if not durable:
        settings += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    # The port is free when chosen, but another process may bind it before PostgreSQL does
    # (the machine's outgoing connections take ports from the same range): then another one.
    for attempt in range(1, 6):
        port = _free_port()
        started = subprocess.run(
            _as_cluster_user(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(log),
                    "-o",
                    f"-p {port} {settings}",
                    "-w",
                    "-t",
                    "60",
                    "start",
                ]
            ),
            check=False,
            capture_output=True,
        )
        if started.returncode == 0:
            return {"root": root, "data": data, "bindir": bindir, "port": port}
        text = log.read_text(errors="replace") if log.exists() else ""
        if attempt == 5 or "could not bind" not in text:
            raise subprocess.CalledProcessError(
                started.returncode, started.args, started.stdout, started.stderr + text.encode()
            )
    raise AssertionError("unreachable")


def restart_cluster(cluster: dict[str, Any], *, mode: str = "fast") -> None:
    """`pg_ctl restart -m MODE` (same options; `fast` ends every session): for fault tests."""
    subprocess.run(
        _as_cluster_user(
            [
                str(cluster["bindir"] / "pg_ctl"),
                "-D",
                str(cluster["data"]),
                "-l",
                str(cluster["root"] / "server.log"),
                "-m",
                mode,
                "-w",
                "-t",
                "60",
                "restart",
            ]
        ),
        check=True,
        capture_output=True,
    )


def restart_test_cluster() -> None:
    """Restart this test run's cluster (`pg_ctl restart -m fast`: every session ended), for
    fault tests marked `postgres_only`. The test's own connection is one of those ended."""
    if not _cluster:
        raise RuntimeError("no throwaway PostgreSQL cluster in this run (GAOXIN_TEST_DB=postgres)")
    restart_cluster(_cluster)


def stop_cluster(cluster: dict[str, Any]) -> None:
    subprocess.run(
        _as_cluster_user(
            [
                str(cluster["bindir"] / "pg_ctl"),
                "-D",
                str(cluster["data"]),
                "-m",
                "immediate",
                "-w",
                "stop",
            ]
        ),
        check=False,
        capture_output=True,
    )
    shutil.rmtree(cluster["root"], ignore_errors=True)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: Any, parser: Any, args: Any) -> None:
    global _skip_reason
    if os.environ.get("GAOXIN_TEST_DB") != "postgres" or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    required = os.environ.get("GAOXIN_REQUIRE_POSTGRES") == "1"
    bindir = find_bindir()
    if bindir is None:
        message = (
            "PostgreSQL server binaries not found (pg_config --bindir, /usr/lib/postgresql/*/bin"
            "): the PostgreSQL run is skipped. 未找到 PostgreSQL 服务器程序，跳过 PostgreSQL 测试。"
        )
        if required:
            raise pytest.UsageError(f"{message} GAOXIN_REQUIRE_POSTGRES=1: this is a failure.")
        _skip_reason = message
        return
    try:
        cluster = start_cluster(bindir)
    except (subprocess.CalledProcessError, RuntimeError, OSError) as error:
        detail = getattr(error, "stderr", b"") or b""
        raise pytest.UsageError(
            f"could not start a throwaway PostgreSQL cluster: {error} "
            f"{detail.decode(errors='replace') if isinstance(detail, bytes) else detail}"
        ) from error
    _cluster.update(cluster)
    os.environ["DATABASE_URL"] = f"postgres://gaoxin@127.0.0.1:{cluster['port']}/postgres"


def pytest_report_header(config: Any) -> str:
    if _cluster:
        return f"database: throwaway PostgreSQL cluster on 127.0.0.1:{_cluster['port']}"
    if _skip_reason:
        return f"database: {_skip_reason}"
    return "database: SQLite (in memory)"


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if _skip_reason:
        marker = pytest.mark.skip(reason=_skip_reason)
        for item in items:
            item.add_marker(marker)
        return
    if not _cluster:
        skip_pg = pytest.mark.skip(reason="needs PostgreSQL (run with GAOXIN_TEST_DB=postgres)")
        for item in items:
            if "postgres_only" in item.keywords:
                item.add_marker(skip_pg)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _skip_reason:
        terminalreporter.write_line(_skip_reason, yellow=True)


def pytest_unconfigure(config: Any) -> None:
    if _cluster:
        stop_cluster(_cluster)
        _cluster.clear()
