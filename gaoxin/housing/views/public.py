"""Public pages: the sales, each batch's announcement, notice, roster, results, files and
closing report. Anyone may read them; nothing here writes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET

from gaoxin.common import ratelimits
from gaoxin.registry.identifiers import mask_name

from .. import access, charts, documents, publication, selectors
from ..choices import Relation
from ..report import readable, shortfalls
from ..simulation import GROUP_LABELS


@require_GET
def announcements(request: HttpRequest) -> HttpResponse:
    """Every published sale with every public page and file that exists for it now."""
    batches = [(b, selectors.batch_public_links(b)) for b in selectors.batch_public_list()]
    return render(request, "housing/announcements.html", {"batches": batches})


@require_GET
def announcement(request: HttpRequest, code: str) -> HttpResponse:
    batch = selectors.batch_public_get(code=code)
    if batch is None:
        raise Http404
    context = {
        "batch": batch,
        "units": batch.units.all(),
        "units_summary": selectors.units_summary(batch),
        "rounds": selectors.batch_rounds(batch),
        "entropy": batch.entropy,
        "can_register": access.can_register(request.user) and selectors.registration_open(batch),
    }
    return render(request, "housing/announcement.html", context)


@require_GET
def notice(request: HttpRequest, code: str) -> HttpResponse:
    """The public notice (公示): every application's decision, names masked; counts, a legend,
    a search by registration number or masked name, and how to object while it runs."""
    batch = selectors.batch_public_get(code=code)
    if batch is None or not selectors.notice_published(batch):
        raise Http404
    rows = []
    counts = {"entries": 0, "eligible": 0, "ineligible": 0, "first_home": 0, "key_industry": 0}
    for eligibility in selectors.notice_list(batch):
        applicant = next(
            (m for m in eligibility.application.members.all() if m.relation == Relation.APPLICANT),
            None,
        )
        counts["entries"] += 1
        counts["eligible" if eligibility.general else "ineligible"] += 1
        counts["first_home"] += eligibility.first_home is True
        counts["key_industry"] += eligibility.key_industry is True
        rows.append(
            {
                "number": eligibility.application.number,
                "name": mask_name(applicant.name) if applicant else "",
                "eligibility": eligibility,
            }
        )
    query = request.GET.get("q", "").strip()[:40]
    if query:
        needle = query.upper()
        rows = [r for r in rows if needle in r["number"].upper() or query in r["name"]]
    page = Paginator(rows, NOTICE_PAGE).get_page(request.GET.get("page"))
    roster = getattr(batch, "roster", None)
    return render(
        request,
        "housing/notice.html",
        {
            "batch": batch,
            "page": page,
            "counts": counts,
            "query": query,
            "matches": len(rows),
            "roster": roster,
            "objections_open": selectors.notice_open(batch),
            # the way to one's own registration: for applicants, and visitors (via sign-in)
            "can_object_here": not request.user.is_authenticated
            or access.can_register(request.user),
        },
    )


NOTICE_PAGE = 100


@require_GET
def roster_download(request: HttpRequest, code: str) -> HttpResponse:
    batch = selectors.batch_public_get(code=code)
    roster = getattr(batch, "roster", None) if batch else None
    if roster is None:
        raise Http404
    response = HttpResponse(bytes(roster.csv), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.code}-roster.csv"'  # type: ignore[union-attr]
    response["X-Roster-Root"] = roster.root
    return response


def _published_draw(code: str) -> Any:
    batch = selectors.batch_public_get(code=code)
    draw = getattr(batch, "draw", None) if batch is not None else None
    if draw is None:
        raise Http404
    return batch, draw


@require_GET
def results(request: HttpRequest, code: str) -> HttpResponse:
    """Public results: search by registration number (names masked), downloads, how to verify.
    The page's form asks htmx for the answer alone (`_lookup_result.html`); without JavaScript
    the whole page comes back. Lookups are rate-limited per client address
    (GAOXIN_LOOKUP_RATE), so that registration numbers cannot be enumerated."""
    number = request.GET.get("number", "").strip().upper()[:32]
    fragment = bool(request.htmx) and not request.htmx.history_restore_request  # type: ignore[attr-defined]
    batch = None
    if fragment:  # the hot path: three cached values, then the draw's results index
        public = selectors.public_draw_get(code=code)
    else:
        batch = selectors.drawn_batch_public_get(code=code)
        public = None if batch is None else selectors.public_draw_of(batch)
    if public is None:
        raise Http404
    found = None
    if number:
        wait = ratelimits.over_limit(
            request, group="housing.results_lookup", rate=settings.GAOXIN_LOOKUP_RATE
        )
        if wait is not None:
            if fragment:  # htmx swaps no error answer: let the browser show the 429 page
                return HttpResponse(status=204, headers={"HX-Redirect": request.get_full_path()})
            return ratelimits.too_many_requests(request, wait)
        found = publication.result_get(draw=public, number=number)
    if batch is None:  # no page shell, so no context processors either
        response = HttpResponse(
            render_to_string("housing/_lookup_result.html", {"number": number, "found": found})
        )
    else:
        response = render(
            request,
            "housing/results.html",
            {
                "batch": batch,
                "draw": batch.draw,
                "number": number,
                "found": found,
                "summary": selectors.draw_winners_per_round(batch.draw, batch),
            },
        )
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def protocol_download(request: HttpRequest, code: str) -> HttpResponse:
    batch, draw = _published_draw(code)
    response = HttpResponse(
        draw.protocol.encode("utf-8"), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{batch.code}-protocol.json"'
    return response


@require_GET
def results_download(request: HttpRequest, code: str) -> HttpResponse:
    batch, draw = _published_draw(code)
    response = HttpResponse(selectors.results_csv(draw), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.code}-results.csv"'
    return response


@require_GET
def fairdraw_pyz(request: HttpRequest, code: str) -> HttpResponse | FileResponse:
    """The verifier as one file (`python3 fairdraw.pyz verify …`, Python 3.9+, no packages),
    offered beside every public batch; its SHA-256 is on the pages that link it."""
    if selectors.batch_public_get(code=code) is None:
        raise Http404
    path, digest = publication.fairdraw_pyz()
    response: HttpResponse | FileResponse
    if path is None:  # PUBLISHED_DIR unusable: the same bytes, built in memory
        response = HttpResponse(publication.fairdraw_pyz_bytes(), content_type="application/zip")
        response["Content-Disposition"] = 'attachment; filename="fairdraw.pyz"'
    else:
        response = FileResponse(
            open(path, "rb"),  # noqa: SIM115 (FileResponse closes it)
            as_attachment=True,
            filename="fairdraw.pyz",
            content_type="application/zip",
        )
    response["X-Content-SHA256"] = digest
    return response


@require_GET
def fairdraw_spec(request: HttpRequest, code: str) -> HttpResponse:
    """docs/fairdraw-spec.md: what the verifier (and the browser check) implements."""
    if selectors.batch_public_get(code=code) is None:
        raise Http404
    data, digest = publication.fairdraw_spec()
    response = HttpResponse(data, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="fairdraw-spec.md"'
    response["X-Content-SHA256"] = digest
    return response


def _closed_report(code: str) -> Any:
    batch = selectors.batch_public_get(code=code)
    report = getattr(batch, "report", None) if batch is not None else None
    if report is None:
        raise Http404
    return batch, report


@require_GET
def report(request: HttpRequest, code: str) -> HttpResponse:
    """The public closing report: figures per pool, shares, statistical checks, charts."""
    batch, closing = _closed_report(code)
    return render(
        request,
        "housing/report.html",
        {
            "batch": batch,
            "report": closing,
            "data": readable(closing.data),
            "groups": [
                {**g, "label": GROUP_LABELS.get(g["group"], g["group"])}
                for g in closing.data["groups"]
            ],
            "charts": charts.svg_charts(readable(closing.data)),
            "shortfalls": shortfalls(readable(closing.data)),
            "pdf_url": reverse("housing:report_pdf", args=[batch.code]),
        },
    )


@require_GET
def announcement_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """摇号结果公告 (PDF): winners per round, the waitlist, the draw's values, how to verify."""
    batch, draw = _published_draw(code)
    data = documents.published(
        "announcement.pdf", draw.protocol_digest, lambda: documents.announcement_pdf(batch, draw)
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{batch.code}-announcement.pdf"'
    return response


@require_GET
def results_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """Every roster entry's result as a spreadsheet (names masked, nothing evaluates)."""
    batch, draw = _published_draw(code)
    response = HttpResponse(
        documents.published(
            "results.xlsx", draw.protocol_digest, lambda: documents.results_xlsx(batch, draw)
        ),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{batch.code}-results.xlsx"'
    return response


@require_GET
def report_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """结案报告 (PDF): the stored closing report with its charts."""
    batch, closing = _closed_report(code)
    data = documents.published(
        "report.pdf", closing.digest, lambda: documents.report_pdf(batch, closing)
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{batch.code}-closing-report.pdf"'
    return response
