"""`manage.py registry_demo [--if-empty]`: a small synthetic zone for `make run` (a few
seconds). Called by `demo_data`."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from gaoxin.registry.models import Person

DEMO_PERSONS = 400
DEMO_SEED = 2026


class Command(BaseCommand):
    help = "Load a small synthetic zone for the demo. 载入演示用模拟园区。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Person.objects.exists():
            self.stdout.write("登记簿已有数据 / registry not empty: skipped")
            return
        # Records up to last month, so the demo's facts hold today.
        call_command(
            "synth",
            persons=DEMO_PERSONS,
            seed=DEMO_SEED,
            as_of=timezone.localdate(),
            no_progress=True,
            stdout=self.stdout,
        )
