"""The desk's links in the page shell (common/navigation.py)."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts import roles
from gaoxin.common.navigation import Link
from gaoxin.common.todos import Todo
from gaoxin.registry.models import Enterprise

from . import access, clock, fieldwork, selectors
from . import selectors_statistics as statistics
from .choices import ReportStatus, RequestStatus
from .models import NoticeRecipient, ServiceRequest, StatisticsReport


def links(request: HttpRequest) -> Iterable[Link]:
    user = request.user
    if not access.can_use_desk(user):
        return []
    out: list[Link] = []
    if access.is_staff_member(user):
        out.append((40, _("Service desk"), reverse("servicedesk:queue")))
    else:
        out.append((40, _("Our requests"), reverse("servicedesk:mine")))
    if access.can_view_dashboard(user) or access.officer_grids(user):
        out.append((41, _("Grid figures"), reverse("servicedesk:dashboard")))
    if access.is_staff_member(user):
        out.append((42, _("Map of the grids"), reverse("servicedesk:map")))
    if access.can_configure(user):
        out.append((43, _("Desk set-up"), reverse("servicedesk:duties")))
    if access.officer_grids(user) or access.sees_everything(user):
        out.append((42, _("Visits and safety"), reverse("servicedesk:visits")))
    elif access.enterprises(user):
        out.append((42, _("Safety hazards"), reverse("servicedesk:hazards")))
    out.append((43, _("Notices"), reverse("servicedesk:notices")))
    if access.can_view_statistics(user):
        out.append((43, _("Statistics reports"), reverse("servicedesk:stats_completeness")))
    elif access.officer_grids(user):
        out.append((43, _("Statistics reports"), reverse("servicedesk:stats_grid")))
    elif access.enterprises(user):
        out.append((43, _("Statistics reports"), reverse("servicedesk:stats_mine")))
    if access.can_edit_field_settings(user):
        out.append((44, _("Visit and safety settings"), reverse("servicedesk:field_settings")))
    return out


def todos(request: HttpRequest) -> Iterable[Todo]:
    """What waits for this user at the desk (common/todos.py): the requests whose step they
    hold, those overdue among them, the grid's visits due this quarter, hazards awaiting a
    re-inspection and enterprises yet to acknowledge a notice; for an enterprise what awaits its
    rating, its hazards to rectify and the notices it has not acknowledged."""
    user = request.user
    if not access.can_use_desk(user):
        return []
    out: list[Todo] = []
    queue = reverse("servicedesk:queue")
    waiting = selectors.queue(user)
    today = timezone.localdate()
    count = waiting.count()
    overdue = waiting.filter(step_due__lt=today).count() if count else 0
    # The queue's to-dos go on the panel of the first desk role the user holds (a panel per role).
    grid_role = (
        roles.GRID_OFFICER if roles.has_role(user, roles.GRID_OFFICER) else roles.GRID_LEADER
    )
    for role, held in (
        (grid_role, bool(access.officer_grids(user))),
        (roles.DEPARTMENT_OFFICER, bool(access.departments(user))),
        (roles.LEADERSHIP, roles.has_role(user, roles.LEADERSHIP)),
    ):
        if held:
            out.append(Todo(role, _("Requests waiting for you"), queue + "?show=mine", count, 10))
            if overdue:
                out.append(Todo(role, _("Overdue requests"), queue + "?show=overdue", overdue, 11))
            break
    if grids := access.officer_grids(user):
        role = grid_role
        due = len(fieldwork.due_visits(user, today))
        out.append(
            Todo(
                role, _("Enterprises to visit this quarter"), reverse("servicedesk:visits"), due, 20
            )
        )
        reinspect = [h for h in fieldwork.open_hazards(user) if h.awaits_reinspection]
        if reinspect:
            out.append(
                Todo(
                    role,
                    _("Hazards reported rectified, awaiting re-inspection"),
                    reverse("servicedesk:hazards"),
                    len(reinspect),
                    21,
                )
            )
        unread = (
            NoticeRecipient.objects.filter(grid__code__in=grids, acknowledged_at__isnull=True)
            .values("notice_id")
            .distinct()
            .count()
        )
        if unread:
            out.append(
                Todo(
                    role,
                    _("Notices not yet acknowledged by all your enterprises"),
                    reverse("servicedesk:notices"),
                    unread,
                    22,
                )
            )
    if stat_grids := access.statistics_officer_grids(user):
        to_review = StatisticsReport.objects.filter(
            grid__code__in=stat_grids, status=ReportStatus.SUBMITTED
        ).count()
        if to_review:
            out.append(
                Todo(
                    grid_role,
                    _("Statistics reports sent in, awaiting your acceptance"),
                    reverse("servicedesk:stats_grid"),
                    to_review,
                    23,
                )
            )
    if access.enterprises(user):
        owed = statistics.owed_by(
            Enterprise.objects.filter(credit_code__in=access.enterprises(user)), clock.today()
        )
        out.append(
            Todo(
                roles.ENTERPRISE_USER,
                _("Statistics reports to send"),
                reverse("servicedesk:stats_mine"),
                sum(1 for o in owed if not o.sent),
                13,
            )
        )
        to_rate = ServiceRequest.objects.filter(
            enterprise__credit_code__in=access.enterprises(user), status=RequestStatus.RESOLVED
        ).count()
        out.append(
            Todo(
                roles.ENTERPRISE_USER,
                _("Resolved requests awaiting your rating"),
                reverse("servicedesk:mine"),
                to_rate,
                10,
            )
        )
        to_fix = [h for h in fieldwork.open_hazards(user) if h.awaits_rectification]
        if to_fix:
            out.append(
                Todo(
                    roles.ENTERPRISE_USER,
                    _("Safety hazards to rectify"),
                    reverse("servicedesk:hazards"),
                    len(to_fix),
                    11,
                )
            )
        unread = NoticeRecipient.objects.filter(
            enterprise__credit_code__in=access.enterprises(user), acknowledged_at__isnull=True
        ).count()
        out.append(
            Todo(
                roles.ENTERPRISE_USER,
                _("Notices to acknowledge"),
                reverse("servicedesk:notices"),
                unread,
                12,
            )
        )
    return out
