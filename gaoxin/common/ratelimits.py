"""Rate limits on public pages that answer a question about one identifier (the draw results
looked up by registration number), so that identifiers cannot be enumerated.

django-ratelimit counts requests per client address (the one the audit log records:
`middleware.client_ip`, which honours GAOXIN_TRUSTED_PROXY_HEADER behind nginx) in the cache
named by RATELIMIT_USE_CACHE, one SQLite file every gunicorn worker shares
(`countercache.SQLiteCounterCache`; docs/deploy.md)."""

from __future__ import annotations

import ipaddress

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

from .errors import RATE_LIMITED
from .middleware import client_ip


def client_key(group: str, request: HttpRequest) -> str:
    """The client's address; IPv6 addresses by their /64, which one subscriber usually has
    whole (as django-ratelimit's own `ip` key does)."""
    address = client_ip(request) or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)


def over_limit(request: HttpRequest, *, group: str, rate: str) -> int | None:
    """Count this request; None while within `rate` (e.g. "60/m"), else the seconds until
    the window ends."""
    usage = get_usage(request, group=group, key=client_key, rate=rate, increment=True)
    if usage is None or not usage["should_limit"]:
        return None
    return max(int(usage["time_left"]), 1)


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """429 with the message in both languages (as the API's errors carry both)."""
    response = render(
        request,
        "429.html",
        {"message_zh": RATE_LIMITED.zh, "message_en": RATE_LIMITED.en},
        status=RATE_LIMITED.status,
    )
    response["Retry-After"] = str(retry_after)
    return response
