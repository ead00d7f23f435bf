"""Run the desk's deadline sweep now (the scheduler runs it every 15 minutes): every overdue
step one rung up the ladder, then resolved requests left unrated for five working days closed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gaoxin.common.actors import OPERATOR
from gaoxin.servicedesk.services import escalation


class Command(BaseCommand):
    help = "Escalate overdue service requests and close those left unrated (as the scheduler does)."

    def handle(self, *args: Any, **options: Any) -> None:
        moved = escalation.escalate_overdue(actor=OPERATOR)
        closed = escalation.close_unrated(actor=OPERATOR)
        self.stdout.write(f"escalated {moved}, closed unrated {closed}")
