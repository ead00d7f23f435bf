"""The approvals desk's pages: the applicant's (or agent's) projects, a project's page with its
stages, items, clocks and timeline and the actions the user may take now (one URL per
transition), the lead department's intake, a department's queue (green channel first), the
zone's figures, the certificate PDF and the public verification page. A refused action comes
back as a message in the user's language; nothing is half-written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gaoxin.common import pdf, workdays
from gaoxin.common.errors import GaoxinError
from gaoxin.common.viewguards import require_rule

from . import access, charts, clock, errors, selectors, services
from .choices import Decision, ItemStatus, ProjectStatus
from .models import Project, ProjectItem

MAX_UPLOAD = 20 * 1024 * 1024
NO_FILE = services.Upload("", b"")


def _project_or_404(http: HttpRequest, pk: int) -> Project:
    project = selectors.project_detail(pk)
    if project is None:
        raise Http404
    if not access.can_view_project(http.user, project):
        raise PermissionDenied
    return project


def _act(http: HttpRequest, project_pk: int, call: Callable[[], Any], done: str) -> HttpResponse:
    try:
        call()
    except GaoxinError as failure:
        messages.error(http, failure.message())
    else:
        messages.success(http, done)
    return redirect("approvals:project", pk=project_pk)


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


@require_GET
@require_rule(access.can_use_desk)
def mine(http: HttpRequest) -> HttpResponse:
    user = http.user
    everything = access.sees_everything(user)
    if everything:
        rows = list(selectors.projects_all()[:200])
    else:
        rows = list(selectors.projects_of(credit_codes=access.enterprises(user), agent=user)[:200])
    staff = not everything and not rows
    if staff:  # a department's reviewers and window: the projects their department is in
        rows = list(
            selectors.projects_of_departments(
                reviewing=access.reviewer_departments(user),
                intake=access.intake_departments(user),
            )[:200]
        )
    # "Your turn" is for the applicant: the zone's readers see every project, nobody's turn.
    todo = set() if everything or staff else selectors.applicant_todo([p.pk for p in rows])
    return render(
        http,
        "approvals/mine.html",
        {
            "projects": [(p, p.pk in todo) for p in rows],
            "staff": staff,
            "reviews": bool(access.reviewer_departments(user)),
            "takes_in": bool(access.intake_departments(user)),
            "may_start": bool(access.enterprises(user)) or access.is_agent(user),
        },
    )


@require_POST
@require_rule(access.can_use_desk)
def start(http: HttpRequest) -> HttpResponse:
    try:
        project = services.project_start(
            actor=http.user,
            credit_code=http.POST.get("credit_code", ""),
            name=http.POST.get("name", ""),
            parcel=http.POST.get("parcel", ""),
            investment=http.POST.get("investment", "").strip() or "x",
            green_channel=http.POST.get("green_channel") == "on",
            agent_authorisation=http.POST.get("agent_authorisation", ""),
        )
    except GaoxinError as failure:
        messages.error(http, failure.message())
        return redirect("approvals:mine")
    messages.success(http, _("Project %(number)s started.") % {"number": project.number})
    return redirect("approvals:project", pk=project.pk)


@require_GET
@login_required
def project(http: HttpRequest, pk: int) -> HttpResponse:
    p = _project_or_404(http, pk)
    user = http.user
    applicant = access.is_applicant_of(user, p)
    stages = list(p.stages.all())
    items = list(p.items.all())
    rows = []
    for s in stages:
        own = [i for i in items if i.stage_id == s.pk]
        rows.append(
            {
                "stage": s,
                "items": [
                    (
                        i,
                        selectors.item_actions(
                            i,
                            may_decide=access.can_decide(user, i),
                            land=p.land_contract_on,
                            may_answer=applicant,
                        ),
                    )
                    for i in own
                ],
                "actions": selectors.stage_actions(
                    s, may_intake=access.can_intake(user, s), applicant=applicant
                ),
                "documents": sorted({(d[0], d[1], bool(d[2])) for i in own for d in i.documents}),
            }
        )
    return render(
        http,
        "approvals/project.html",
        {
            "p": p,
            "rows": rows,
            "next_steps": _next_steps(p, rows, applicant),
            "applicant": applicant,
            "documents": list(p.documents.all()),
            "may_land": access.can_enter_land_contract(user, p) and p.land_contract_on is None,
            "timeline": charts.timeline(p, stages, items, clock.today()),
            "certificates": selectors.certificates_of(p),
            "saved": p.serial_days - p.actual_days,
            "may_deliver": access.can_record_delivery(user),
            "today": clock.today(),
        },
    )


def _next_steps(p: Project, rows: list[dict[str, Any]], applicant: bool) -> list[str]:
    """What this user should do next on the project, from the actions the page offers."""
    out: list[str] = []
    for row in rows:
        s = row["stage"]
        if "submit" in row["actions"]:
            out.append(
                _(
                    "Submit the package of stage %(order)s (%(name)s) below: each document "
                    "once; a 容缺 document may follow by the date you promise."
                )
                % {"order": s.order, "name": s.name}
            )
        if "dispatch" in row["actions"]:
            out.append(
                _(
                    "Check the package of stage %(order)s: if it is complete, dispatch every "
                    "item; if not, return it saying what is missing."
                )
                % {"order": s.order}
            )
        for it, actions in row["items"]:
            if "answer" in actions:
                out.append(
                    _("Answer the correction of %(item)s: %(request)s")
                    % {"item": f"{it.code} {it.name}", "request": it.correction_request}
                )
            if "approve" in actions:
                out.append(
                    _("Decide %(item)s (due %(due)s).")
                    % {
                        "item": f"{it.code} {it.name}",
                        "due": date_format(it.due_on) if it.due_on else "—",
                    }
                )
            elif "prereview" in actions:
                out.append(
                    _("%(item)s may be pre-reviewed now, before the land contract.")
                    % {"item": f"{it.code} {it.name}"}
                )
    if not out and applicant and p.status == ProjectStatus.IN_PROGRESS:
        out.append(
            _(
                "Nothing is needed from you now: the departments are working. You will be "
                "told when one asks for a correction or a stage opens."
            )
        )
    return out


def _queue_todo(item: ProjectItem) -> str:
    if item.status == ItemStatus.CORRECTION:
        return str(_("Wait for the applicant's correction"))
    if item.status == ItemStatus.PENDING:
        return str(_("May be pre-reviewed before land"))
    return str(_("Decide"))


@require_POST
@login_required
def submit(http: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    uploads = {}
    for name in http.FILES:
        f = http.FILES.get(name)
        if name.startswith("doc_") and f is not None and f.size and f.size < MAX_UPLOAD:
            uploads[name.removeprefix("doc_")] = services.Upload(f.name or name, f.read())
    promises = {}
    for name in http.POST:
        day = _date(http.POST.get(name, ""))
        if name.startswith("promise_") and day is not None:
            promises[name.removeprefix("promise_")] = day
    return _act(
        http,
        pk,
        lambda: services.package_submit(
            actor=http.user, stage_pk=stage_pk, uploads=uploads, promises=promises
        ),
        _("The package was submitted."),
    )


@require_POST
@login_required
def dispatch(http: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    return _act(
        http,
        pk,
        lambda: services.package_dispatch(actor=http.user, stage_pk=stage_pk),
        _("The package is complete; every item was dispatched."),
    )


@require_POST
@login_required
def return_package(http: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    return _act(
        http,
        pk,
        lambda: services.package_return(
            actor=http.user, stage_pk=stage_pk, note=http.POST.get("note", "")
        ),
        _("The package went back to the applicant."),
    )


@require_POST
@login_required
def decide(http: HttpRequest, pk: int, item_pk: int, decision: str) -> HttpResponse:
    if decision not in Decision.values:
        raise Http404
    return _act(
        http,
        pk,
        lambda: services.item_decide(
            actor=http.user,
            item_pk=item_pk,
            decision=decision,
            version=_int(http.POST.get("version", "")),
            text=http.POST.get("text", ""),
        ),
        _("The decision was recorded."),
    )


@require_POST
@login_required
def prereview(http: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    return _act(
        http,
        pk,
        lambda: services.item_prereview(
            actor=http.user, item_pk=item_pk, note=http.POST.get("note", "")
        ),
        _("Pre-reviewed: it becomes an approval on the land contract date."),
    )


@require_POST
@login_required
def answer(http: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    return _act(
        http,
        pk,
        lambda: services.correction_answer(
            actor=http.user, item_pk=item_pk, note=http.POST.get("note", "")
        ),
        _("Correction answered; the item's clock runs again."),
    )


@require_POST
@login_required
def land(http: HttpRequest, pk: int) -> HttpResponse:
    signed = _date(http.POST.get("signed_on", "")) or date.max
    return _act(
        http,
        pk,
        lambda: services.land_contract_enter(actor=http.user, project_pk=pk, signed_on=signed),
        _("Land contract entered; the pre-reviewed items are approved."),
    )


@require_POST
@login_required
def document(http: HttpRequest, pk: int) -> HttpResponse:
    f = http.FILES.get("file")
    ok = f is not None and f.size and f.size < MAX_UPLOAD
    upload = services.Upload(f.name or "file", f.read()) if f is not None and ok else NO_FILE
    return _act(
        http,
        pk,
        lambda: services.document_receive(
            actor=http.user, project_pk=pk, code=http.POST.get("code", ""), upload=upload
        ),
        _("The document was received."),
    )


@require_POST
@login_required
def check(http: HttpRequest, pk: int, item_pk: int, outcome: str) -> HttpResponse:
    if outcome not in ("pass", "fail"):
        raise Http404
    return _act(
        http,
        pk,
        lambda: services.compliance_check_record(
            actor=http.user,
            item_pk=item_pk,
            passed=outcome == "pass",
            finding=http.POST.get("finding", ""),
        ),
        _("The compliance check was recorded."),
    )


@require_POST
@login_required
def ship(http: HttpRequest, pk: int, code: str) -> HttpResponse:
    return _act(
        http,
        pk,
        lambda: services.delivery_record(
            actor=http.user,
            code=code,
            carrier=http.POST.get("carrier", ""),
            tracking_number=http.POST.get("tracking_number", ""),
        ),
        _("The courier delivery was recorded."),
    )


@require_POST
@login_required
def delivered(http: HttpRequest, pk: int, code: str) -> HttpResponse:
    return _act(
        http,
        pk,
        lambda: services.delivery_record(
            actor=http.user, code=code, carrier="", tracking_number="", delivered=True
        ),
        _("Marked delivered."),
    )


@require_GET
@require_rule(lambda u: bool(access.reviewer_departments(u)))
def queue(http: HttpRequest) -> HttpResponse:
    depts = access.reviewer_departments(http.user)
    return render(
        http,
        "approvals/queue.html",
        {
            "items": [(it, _queue_todo(it)) for it in selectors.queue(depts)],
            "today": clock.today(),
        },
    )


@require_GET
@require_rule(lambda u: bool(access.intake_departments(u)))
def intake(http: HttpRequest) -> HttpResponse:
    today = clock.today()
    calendar = workdays.calendar()
    stages = list(selectors.intake_queue(access.intake_departments(http.user))[:200])
    return render(
        http,
        "approvals/intake.html",
        {
            # A package not checked within one working day of its submission is late.
            "stages": [
                (s, s.submitted_on is not None and calendar.add(s.submitted_on, 1).due < today)
                for s in stages
            ]
        },
    )


@require_GET
@require_rule(access.can_view_dashboard)
def dashboard(http: HttpRequest) -> HttpResponse:
    today = clock.today()
    return render(
        http,
        "approvals/dashboard.html",
        {"f": selectors.dashboard(today), "today": today},
    )


def _chinese_day(value: str) -> str:
    """An ISO day of a certificate's facts as a Chinese document writes it: 2026年1月8日."""
    day = _date(value or "")
    return f"{day.year}年{day.month}月{day.day}日" if day else (value or "—")


@require_GET
@login_required
def certificate_pdf(http: HttpRequest, code: str) -> HttpResponse:
    cert, _intact = selectors.certificate_check(code)
    if cert is None:
        raise Http404
    project = selectors.project_detail(cert.item.project_id)
    if project is None or not access.can_view_project(http.user, project):
        raise PermissionDenied
    f = cert.facts
    doc = pdf.Document(title=f"审批决定书 {f['item_name']}", footer=f"验证码 {cert.code}")
    doc.title(f"{f['item_name']}", "审批决定书 · 高新区占地类产业项目审批")
    doc.key_values(
        [
            ("项目", f"{f['project']} {f['project_name']}"),
            ("企业", f"{f['enterprise']}（{f['credit_code']}）"),
            ("地块", f["parcel"]),
            ("审批部门", f["department"]),
            ("决定", _decision_words(f["item_name"], f["decision"])),
            ("条件", f["conditions"] or "—"),
            ("决定日期", _chinese_day(f["decided_on"])),
            ("出证日期", _chinese_day(f["issued_on"])),
            ("验证码", cert.code),
            ("摘要 SHA-256", cert.digest),
        ]
    )
    verify_url = http.build_absolute_uri(reverse("approvals:verify"))
    doc.paragraph(
        f"本证照可在 {verify_url} （证照验证）输入验证码 {cert.code} 核对，页面将比对存档摘要，"
        "并显示证照是否已撤销。" + ("（本证照已撤销）" if cert.revoked else "")
    )
    response = HttpResponse(doc.build(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{cert.code}.pdf"'
    return response


def _decision_words(item_name: str, decision: str) -> str:
    """The decision as the certificate words it: a filing (备案) is filed, anything else is
    permitted; with conditions when it was approved with them."""
    words = "予以备案" if item_name.endswith("备案") else "准予许可"
    return words if decision == "approved" else f"附条件{words}"


def _certificate_decision(value: str) -> str:
    """What the certificate decided, in the reader's language (the facts keep the state)."""
    return str(ItemStatus(value).label) if value in ItemStatus.values else value


@require_GET
def verify(http: HttpRequest) -> HttpResponse:
    code = http.GET.get("code", "")[:40]
    cert, intact = selectors.certificate_check(code) if code else (None, False)
    return render(
        http,
        "approvals/verify.html",
        {
            "code": code,
            "cert": cert,
            "intact": intact,
            "decision": _certificate_decision(cert.facts.get("decision", "")) if cert else "",
        },
    )


# -- the process template's editor (the zone administrator) -----------------------------------


def _edit(
    http: HttpRequest,
    version_pk: int,
    call: Callable[[], Any],
    done: str,
    anchor: str = "",
    form: str = "",
) -> HttpResponse:
    """Run an edit of the draft. Done: back on its page at the part edited (`anchor`). Refused:
    the page again, the message naming the field at the top and the form (`form`) open with
    what was typed."""
    url = reverse("approvals:template_version", kwargs={"pk": version_pk})
    try:
        call()
    except GaoxinError as failure:
        messages.error(http, failure.message())
        if form:
            return _version_page(http, version_pk, typed=(form, http.POST))
        return redirect(url)
    messages.success(http, done)
    return redirect(f"{url}#{anchor}" if anchor else url)


def _limit(raw: str) -> int:
    value = _int(raw.strip())
    if value is None:
        raise GaoxinError(
            errors.VALUE_INVALID,
            field_zh="法定时限",
            field_en="statutory limit",
            value=raw[:20],
            reason_zh="应为 1 至 365 的整数（工作日）",
            reason_en="a whole number of working days, 1 to 365",
        )
    return value


@require_GET
@require_rule(access.can_edit_template)
def templates(http: HttpRequest) -> HttpResponse:
    rows = selectors.template_versions()
    return render(
        http,
        "approvals/templates.html",
        {"rows": rows, "actions": selectors.template_actions(rows)},
    )


@require_POST
@require_rule(access.can_edit_template)
def template_draft(http: HttpRequest) -> HttpResponse:
    try:
        draft = services.version_new_draft(actor=http.user)
    except GaoxinError as failure:
        messages.error(http, failure.message())
        return redirect("approvals:templates")
    messages.success(http, _("Draft v%(number)s is ready to edit.") % {"number": draft.number})
    return redirect("approvals:template_version", pk=draft.pk)


@require_GET
@require_rule(access.can_edit_template)
def template_version(http: HttpRequest, pk: int) -> HttpResponse:
    return _version_page(http, pk)


def _version_page(http: HttpRequest, pk: int, typed: tuple[str, Any] | None = None) -> HttpResponse:
    """The version's page. After a refused edit (`typed`: the form's key and what was posted)
    that form is open again with what was typed, so nothing is lost (status 422)."""
    version = selectors.version_detail(pk)
    if version is None:
        raise Http404
    form, post = typed if typed else ("", None)
    stages = list(version.stages.all())
    documents = list(version.documents.all())
    rows = []
    for s in stages:
        items = []
        for it in s.items.all():
            held = {d[0]: bool(d[2]) for d in it.documents}
            shown = [(d, d.code in held, held.get(d.code, False)) for d in documents]
            mine = post if form == f"item-{it.pk}" else None
            values = (
                {
                    "department": mine.get("department", ""),
                    "limit_days": mine.get("limit_days", ""),
                    "commitment": mine.get("commitment") == "on",
                    "prereviewable": mine.get("prereviewable") == "on",
                    "waits_for": mine.get("waits_for", ""),
                }
                if mine is not None
                else {
                    "department": it.department.code,
                    "limit_days": it.limit_days,
                    "commitment": it.commitment,
                    "prereviewable": it.prereviewable,
                    "waits_for": ", ".join(it.waits_for),
                }
            )
            chosen = (
                [
                    (
                        d,
                        mine.get(f"doc_{d.code}") in ("required", "deferrable"),
                        mine.get(f"doc_{d.code}") == "deferrable",
                    )
                    for d in documents
                ]
                if mine is not None
                else shown
            )
            items.append(
                {
                    "item": it,
                    "documents": shown,
                    "form": values,
                    "form_documents": chosen,
                    "open": mine is not None,
                }
            )
        stage_post = post if form == f"stage-{s.pk}" else None
        add_post = post if form == f"add-{s.pk}" else None
        rows.append(
            {
                "stage": s,
                "items": items,
                "form": {
                    "name": stage_post.get("name", "") if stage_post else s.name,
                    "lead_department": (
                        stage_post.get("lead_department", "")
                        if stage_post
                        else s.lead_department.code
                    ),
                },
                "open": stage_post is not None,
                "add": add_post or {},
                "add_open": add_post is not None,
            }
        )
    return render(
        http,
        "approvals/template_version.html",
        {
            "v": version,
            "rows": rows,
            "documents": documents,
            "document_form": post if form == "document" else {},
            "document_open": form == "document",
            "departments": selectors.department_choices(),
            "actions": selectors.version_actions(version),
            "running": selectors.version_running_projects(version),
        },
        status=422 if typed else 200,
    )


@require_POST
@require_rule(access.can_edit_template)
def template_item_edit(http: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    post = http.POST
    documents = [
        (name.removeprefix("doc_"), post[name] == "deferrable")
        for name in post
        if name.startswith("doc_") and post[name] in ("required", "deferrable")
    ]
    waits = [c.strip() for c in post.get("waits_for", "").replace("，", ",").split(",")]
    return _edit(
        http,
        pk,
        lambda: services.item_def_edit(
            actor=http.user,
            item_def_pk=item_pk,
            limit_days=_limit(post.get("limit_days", "")),
            department=post.get("department", ""),
            commitment=post.get("commitment") == "on",
            prereviewable=post.get("prereviewable") == "on",
            waits_for=[c for c in waits if c],
            documents=documents,
        ),
        _("The item was saved."),
        anchor=f"item-{item_pk}",
        form=f"item-{item_pk}",
    )


@require_POST
@require_rule(access.can_edit_template)
def template_item_add(http: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    post = http.POST
    return _edit(
        http,
        pk,
        lambda: services.item_def_add(
            actor=http.user,
            stage_def_pk=stage_pk,
            code=post.get("code", ""),
            name=post.get("name", ""),
            department=post.get("department", ""),
            limit_days=_limit(post.get("limit_days", "")),
        ),
        _("The item was added; set its documents below."),
        anchor=f"stage-{stage_pk}",
        form=f"add-{stage_pk}",
    )


@require_POST
@require_rule(access.can_edit_template)
def template_item_remove(http: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    return _edit(
        http,
        pk,
        lambda: services.item_def_remove(actor=http.user, item_def_pk=item_pk),
        _("The item was removed from the draft."),
    )


@require_POST
@require_rule(access.can_edit_template)
def template_stage_edit(http: HttpRequest, pk: int, stage_pk: int) -> HttpResponse:
    return _edit(
        http,
        pk,
        lambda: services.stage_def_edit(
            actor=http.user,
            stage_def_pk=stage_pk,
            name=http.POST.get("name", ""),
            lead_department=http.POST.get("lead_department", ""),
        ),
        _("The stage was saved."),
        anchor=f"stage-{stage_pk}",
        form=f"stage-{stage_pk}",
    )


@require_POST
@require_rule(access.can_edit_template)
def template_document_add(http: HttpRequest, pk: int) -> HttpResponse:
    return _edit(
        http,
        pk,
        lambda: services.document_def_add(
            actor=http.user,
            version_pk=pk,
            code=http.POST.get("code", ""),
            name=http.POST.get("name", ""),
        ),
        _("The document was added; choose it on the items that need it."),
        form="document",
    )


@require_POST
@require_rule(access.can_edit_template)
def template_publish(http: HttpRequest, pk: int) -> HttpResponse:
    return _edit(
        http,
        pk,
        lambda: services.version_publish(actor=http.user, version_pk=pk),
        _("Published: new projects start on this version; running projects keep theirs."),
    )
