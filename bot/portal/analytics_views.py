"""数据统计 for editors and admins: questions, fallback rate, leads and 👍/👎 per China day,
the most asked FAQ entries and conversion from conversation to lead, for a date range
(default: the last 30 days). Charts are drawn by static/analytics.js (uPlot, served from
static/vendor/) from the JSON endpoint; the same figures are tables on the page and a CSV
download (audited). Figures only: no message texts, no personal data."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Mapping, Optional, Tuple

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import runtime
from bot.errors import RequestRejected
from bot.lang.timefmt import CHINA
from bot.leads.query import parse_day
from bot.portal.services import blocking, services
from bot.portal.web import EDITOR_ROLES, NO_STORE, PREFIX, render, require_role
from bot.usage.analytics import Analytics, analytics, to_csv

ANALYTICS_PATH = f"{PREFIX}/analytics"
DEFAULT_DAYS = 30


def date_range(args: Mapping[str, Any], today: Optional[dt.date] = None) -> Tuple[dt.date, dt.date]:
    """``from``/``to`` (China days, inclusive); default the last 30 days up to today."""
    end = parse_day(args.get("to", ""), "截止") or today or dt.datetime.now(CHINA).date()
    start = parse_day(args.get("from", ""), "起始") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    return start, end


def _report(start: dt.date, end: dt.date) -> Analytics:
    try:
        return analytics(runtime.database(), start, end)
    except ValueError as exc:  # a reversed or too long range, message in Chinese
        raise RequestRejected(400, "bad_range", str(exc)) from None


def as_json(report: Analytics, titles: Mapping[str, str]) -> Dict[str, Any]:
    """The figures for the charts: one list per series, day timestamps at China midnight."""
    days = report.days
    return {
        "from": report.start.isoformat(),
        "to": report.end.isoformat(),
        "days": [d.day.isoformat() for d in days],
        "timestamps": [int(dt.datetime.combine(d.day, dt.time(), CHINA).timestamp()) for d in days],
        "questions": [d.questions for d in days],
        "answered": [d.answered for d in days],
        "fallbacks": [d.fallbacks for d in days],
        "fallback_rate": [round(d.fallbacks / d.questions, 4) if d.questions else None for d in days],
        "conversations": [d.conversations for d in days],
        "leads": [d.leads for d in days],
        "up": [d.up for d in days],
        "down": [d.down for d in days],
        "top_faqs": [
            {"id": faq_id, "title": titles.get(faq_id, faq_id), "count": count} for faq_id, count in report.top_faqs
        ],
        "totals": {
            "questions": report.total("questions"),
            "answered": report.total("answered"),
            "fallbacks": report.total("fallbacks"),
            "up": report.total("up"),
            "down": report.total("down"),
            "leads": report.total("leads"),
            "conversations": report.conversations,
            "converted": report.converted,
            "fallback_rate": round(report.fallback_rate, 4),
            "helpful_ratio": round(report.helpful_ratio, 4),
            "conversion": round(report.conversion, 4),
        },
    }


def _titles() -> Dict[str, str]:
    return {faq_id: entry.title for faq_id, entry in runtime.faq_catalog().snapshot().by_id.items()}


def register(blueprint: Blueprint) -> None:
    @blueprint.get("/analytics")
    @require_role(*EDITOR_ROLES)
    async def page(request: Request) -> HTTPResponse:
        start, end = date_range(request.args)
        report = await blocking(_report, start, end)
        titles = await blocking(_titles)
        query = f"from={start.isoformat()}&to={end.isoformat()}"
        return render(
            request,
            "analytics.html",
            report=report,
            titles=titles,
            start=start,
            end=end,
            query=query,
            analytics_path=ANALYTICS_PATH,
            review_path=f"{PREFIX}/review",
        )

    @blueprint.get("/analytics.json")
    @require_role(*EDITOR_ROLES)
    async def figures(request: Request) -> HTTPResponse:
        start, end = date_range(request.args)
        report = await blocking(_report, start, end)
        titles = await blocking(_titles)
        return response.json(as_json(report, titles), headers=dict(NO_STORE), ensure_ascii=False)

    @blueprint.get("/analytics.csv")
    @require_role(*EDITOR_ROLES)
    async def download(request: Request) -> HTTPResponse:
        start, end = date_range(request.args)
        report = await blocking(_report, start, end)
        portal = await services(request)
        await blocking(
            portal.audit.record,
            request.ctx.session.user.name,
            "analytics_export",
            None,
            f"{start.isoformat()} 至 {end.isoformat()}",
        )
        filename = f"analytics-{start:%Y%m%d}-{end:%Y%m%d}.csv"
        headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'}
        return response.raw(to_csv(report).encode("utf-8"), headers=headers, content_type="text/csv; charset=utf-8")
