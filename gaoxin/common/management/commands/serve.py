"""`manage.py serve [ADDRPORT]`: the development server and the background worker together, as
`make run` starts them. Both are children of this process: Ctrl-C (or SIGTERM) stops both, and
when either exits the other is stopped too, so a demo never waits on a worker nobody started
and never leaves one running."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

GRACE_SECONDS = 10


class Command(BaseCommand):
    help = "Run the web server and the background worker together. 同时运行网站和后台任务进程。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument(
            "--noreload", action="store_true", help="no autoreload for the web server"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        manage = [sys.executable, sys.argv[0]]
        web = [*manage, "runserver", options["addrport"]]
        if options["noreload"]:
            web.append("--noreload")
        children = {
            "web": subprocess.Popen(web),  # noqa: S603 (our own manage.py)
            "worker": subprocess.Popen([*manage, "db_worker"]),  # noqa: S603
        }
        self.stdout.write(
            f"网站与后台任务已启动 / web server and background worker started "
            f"(pids {children['web'].pid}, {children['worker'].pid}); Ctrl-C stops both"
        )
        stopping = False

        def stop(signum: int, _frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exited: str | None = None
        while not stopping and exited is None:
            for name, child in children.items():
                if child.poll() is not None:
                    exited = name
                    break
            time.sleep(0.2)
        if exited is not None:
            self.stderr.write(
                f"{exited} 已退出，正在停止其余进程 / {exited} exited; stopping the other"
            )
        for child in children.values():
            if child.poll() is None:
                child.send_signal(signal.SIGINT)
        deadline = time.monotonic() + GRACE_SECONDS
        for child in children.values():
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if exited is not None:
            sys.exit(children[exited].returncode or 1)
