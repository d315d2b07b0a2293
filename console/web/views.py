"""The console's pages: one Flask blueprint, server-rendered (Jinja2), no JavaScript needed.

Why server-rendered with forms: county staff use whatever browser the office PC has, and the
pages must work the same behind any load balancer. Every action is a POST with a CSRF token that
redirects back (so a reload never repeats it), and is written to the audit log.

Scope: every store call gets `g.user.county` (None for province staff). A county user asking for
another county's station, alert or record gets the same 404 as for one that does not exist.
"""

from __future__ import annotations

import secrets
import time
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    get_flashed_messages,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

from console import states
from console.store import CALLBACK_WORKING_DAYS, Store
from console.web import auth, present, queries
from forms.workdays import working_days_between

PAGE_SIZE = 50
PILOTS_SHOWN = 30           # the rollout page lists rolled-back pilots first, then updated, then waiting
SESSION_MAX_AGE_S = 12 * 3600
NAV = [
    ("console_web.stations", "驿站"),
    ("console_web.overview", "分区概况"),
    ("console_web.alerts", "告警"),
    ("console_web.ratings", "好差评"),
    ("console_web.followups", "差评整改"),
    ("console_web.versions", "版本"),
    ("console_web.rollouts", "分批发布"),
    ("console_web.audit_page", "操作记录"),
]
STATE_CHOICES = [(s, states.LABELS[s]) for s in states.STATES]
ROLLOUT_KINDS = [("software", "软件更新"), ("catalogue", "事项目录")]
PUBLIC_ENDPOINTS = {"console_web.login", "console_web.static"}
AUDIT_WORDS = {
    "login.ok": "登录", "login.failed": "登录失败", "login.locked": "账号被锁定",
    "login.refused_locked": "锁定期间尝试登录", "login.address_locked": "登录地址失败过多，已限制",
    "login.refused_address": "受限地址尝试登录", "user.unlock": "解除账号锁定",
    "address.unlock": "解除登录地址限制", "logout": "退出", "user.set": "设置账号",
    "station.denied": "打开非本县驿站（已拒绝）", "alert.denied": "处理非本县告警（已拒绝）",
    "followup.denied": "处理非本县差评（已拒绝）", "alert.acknowledge": "确认告警",
    "alert.note": "告警处理记录",
    "followup.callback": "差评回访", "followup.close": "差评整改办结", "rollout.start": "创建发布",
    "rollout.advance": "发给全部驿站", "rollout.halt": "暂停发布", "rollout.resume": "继续发布",
    "rollout.complete": "发布完成",
}


@lru_cache(maxsize=1)
def _bundle_names() -> dict[str, str]:
    """Bundle id → its name in the shipped catalogue (an unknown id is shown as it is)."""
    from forms.catalogue import load_catalogue

    try:
        return {b.id: b.name for b in load_catalogue().bundles}
    except Exception:  # noqa: BLE001 - a damaged catalogue must not take the console down
        return {}


def _today(store: Store) -> date:
    return datetime.fromtimestamp(store.clock()).date()


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    try:
        return min(high, max(low, int(request.args.get(name, default))))
    except ValueError:
        return default


def _safe_back(target: str | None, fallback: str) -> str:
    """Only a path on this site (no scheme, no host) is followed after a form."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return fallback


def create_blueprint(store: Store) -> Blueprint:
    """The pages at `/` for the given store (mounted by console.app.create_app)."""
    bp = Blueprint("console_web", __name__, template_folder="templates", static_folder="static",
                   static_url_path="/static/console")

    @bp.record_once
    def _configure(state: Any) -> None:
        app = state.app
        if not app.secret_key:          # several processes: the secret comes from the shared database
            app.secret_key = auth.session_secret(store)
        # Flask's defaults hold a value for each of these already (SameSite None, name "session"),
        # so they are set, not defaulted: HttpOnly (no script needs it), SameSite=Lax (a form
        # on another site cannot post with it), Secure over HTTPS (auth.SessionInterface)
        app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
        app.config["SESSION_COOKIE_HTTPONLY"] = True
        app.config["SESSION_COOKIE_NAME"] = "console_session"
        app.session_interface = auth.SessionInterface()  # Secure over HTTPS (see auth)

    def county_name(code: str) -> str:
        found = store.counties(county=code)
        return f"{found[0]['city']}{found[0]['county']}" if found else code

    def remote() -> str:
        """The client's address: the connection's, or the configured proxy header's."""
        return auth.client_address(request.remote_addr or "", request.headers,
                                   current_app.config.get(auth.PROXY_HEADER))

    def audit(action: str, target: str = "", **detail: Any) -> None:
        store.audit(action, username=g.user.username, target=target, detail=detail, remote_addr=remote())

    def csrf_token() -> str:
        token = session.get("csrf")
        if not token:
            token = session["csrf"] = secrets.token_urlsafe(24)
        return token

    @bp.before_app_request
    def _load_user() -> Any:
        if request.blueprint != "console_web" or request.endpoint == "console_web.static":
            return None
        g.user = None
        name, fingerprint = session.get("u"), session.get("fp")
        if name and fingerprint and time.time() - float(session.get("t", 0)) < SESSION_MAX_AGE_S:
            g.user = auth.load_user(store, name, fingerprint)
        if request.method == "POST":
            sent = request.form.get("csrf", "")
            if not sent or not secrets.compare_digest(sent, session.get("csrf", "")):
                return render_template("console/message.html", title="页面已过期",
                                       text="页面已过期，请返回后刷新页面再提交。", **_base()), 400
        if g.user is None and request.endpoint not in PUBLIC_ENDPOINTS:
            return redirect(url_for("console_web.login", next=request.full_path.rstrip("?")))
        return None

    @bp.after_request
    def _headers(response: Any) -> Any:
        """Pages are never framed (clickjacking on 确认/发布), load only this site's files, and
        are not kept in shared caches (they hold county data)."""
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                                    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
                                    "base-uri 'none'")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint != "console_web.static":
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    def _base() -> dict[str, Any]:
        return {"user": getattr(g, "user", None), "nav": NAV, "active": request.endpoint,
                "csrf": csrf_token(),
                "messages": get_flashed_messages(with_categories=True)}

    def page(template: str, **context: Any) -> str:
        return render_template(template, **_base(), **context)

    def not_found() -> Any:
        return page("console/message.html", title="找不到",
                    text="没有这个记录，或它不在您的管辖范围内。"), 404

    def scope_county() -> str | None:
        """The county to query: a county user's own; a province user's chosen one, or all."""
        if g.user.county:
            return g.user.county
        chosen = request.args.get("county") or None
        return chosen if chosen and chosen.isdigit() and len(chosen) == 6 else None

    def county_choices() -> list[tuple[str, str]]:
        if g.user.county:
            return []
        return [(c["division_code"], f"{c['city']}{c['county']}") for c in store.counties()]

    # -- login ------------------------------------------------------------------------------
    @bp.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        next_url = _safe_back(request.values.get("next"), url_for("console_web.stations"))
        if g.user is not None and request.method == "GET":
            return redirect(next_url)
        error, username = "", ""
        if request.method == "POST":
            username = request.form.get("username", "").strip()[:64]
            result = auth.authenticate(store, username, request.form.get("password", ""), remote())
            if result.user is not None:
                session.clear()
                row = result.user
                session.update(u=row["username"], fp=auth.password_fingerprint(row["password_hash"]),
                               t=time.time(), csrf=secrets.token_urlsafe(24))
                return redirect(next_url)
            error = result.message
        return page("console/login.html", error=error, username=username, next_url=next_url), \
            (401 if error else 200)

    @bp.route("/logout", methods=["POST"])
    def logout() -> Any:
        audit("logout")
        session.clear()
        flash("您已退出。", "info")
        return redirect(url_for("console_web.login"))

    @bp.route("/")
    def home() -> Any:
        return redirect(url_for("console_web.stations"))

    # -- stations ---------------------------------------------------------------------------
    @bp.route("/stations")
    def stations() -> Any:
        county = scope_county()
        args = {"county": county if not g.user.county else "", "township": request.args.get("township", ""),
                "state": request.args.get("state", ""), "version": request.args.get("version", "").strip(),
                "q": request.args.get("q", "").strip()[:64]}
        if args["state"] not in states.STATES:
            args["state"] = ""
        page_no = _int_arg("page", 1, 1, 100000)
        now = store.clock()
        listing = store.station_list(county=county, township=args["township"] or None,
                                     state=args["state"] or None, search=args["q"] or None,
                                     version=args["version"] or None,
                                     limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE, now=now)
        rows = []
        for s in listing.rows:
            reasons = [states.ALERTS[k][0] for k in s["alerts"] if k in states.ALERTS]
            lasting = s["state"] in (states.FAULT, states.ATTENTION) and s["state_since"] is not None
            rows.append(s | {"state_label": s["label"], "reasons": reasons, "version": s["software_version"],
                             "last_seen_text": present.ago(s["last_seen"], now),
                             "state_for_text": f"已 {present.duration(now - s['state_since'])}" if lasting
                             else ""})
        counts = store.state_counts(county=county, now=now)
        counts["total"] = sum(counts.values())
        pages = max(1, -(-listing.total // PAGE_SIZE))
        return page("console/stations.html", rows=rows, counts=counts, state_labels=STATE_CHOICES,
                    counties=county_choices(), townships=store.townships(county) if county else [],
                    versions=[v["version"] for v in store.version_distribution("software", county=county)
                              if v["version"]],
                    args={k: v for k, v in args.items() if v}, filtered=any(args.values()),
                    page=page_no, pages=pages, total=listing.total,
                    overdue_callbacks=queries.overdue_count(store, g.user.county, _today(store)))

    @bp.route("/overview")
    def overview() -> Any:
        """各县概况 (province) or 各乡镇概况 (county): where the trouble is, worst first."""
        areas = queries.state_counts_by_area(store, g.user.county, store.clock())
        return page("console/overview.html", areas=areas, state_labels=STATE_CHOICES,
                    by_township=g.user.county is not None)

    @bp.route("/stations/<station_id>")
    def station(station_id: str) -> Any:
        s = store.station(station_id, county=g.user.county)
        if s is None:
            if g.user.county and store.station(station_id) is not None:
                audit("station.denied", station_id)
            return not_found()
        now = store.clock()
        view = s | {
            "state_label": s["label"], "version": s["software_version"],
            "reasons": [states.ALERTS[k][0] for k in s["alerts"] if k in states.ALERTS],
            "last_seen_text": f"{present.ago(s['last_seen'], now)}（{present.when(s['last_seen'], now)}）"
            if s["last_seen"] else "从未上报",
            "queue_pending": s["queue_pending"] or 0, "queue_failed": s["queue_failed"] or 0,
            "queue_oldest_text": present.duration(s["queue_oldest_age_s"]) if s["queue_pending"] else "—",
            "last_sync_text": present.when(s["last_sync_at"], now),
            "disk_text": present.disk(s["disk_free_mb"]),
            "devices": present.device_rows(s["devices"]),
        }
        history = []
        for h in store.station_history(station_id, limit=48):
            report = h["report"]
            facts = _report_facts(report)
            history.append({"at_text": present.when(h["received_at"], now), "state": h["state"],
                            "state_label": states.LABELS.get(h["state"], h["state"]),
                            "queue_pending": facts["queue_pending"], "queue_failed": facts["queue_failed"],
                            "queue_oldest_text": present.duration(facts["queue_oldest_age_s"])
                            if facts["queue_pending"] else "—",
                            "devices_text": present.devices_summary(facts["devices"]),
                            "version": facts["software_version"],
                            "catalogue_version": facts["catalogue_version"]})
        found = store.alerts(county=g.user.county, open_only=False, station_id=station_id, limit=20)
        alerts = [{"label": a["label"], "opened_text": present.when(a["opened_at"], now),
                   "status_text": _alert_status(a, now)} for a in found]
        today = _today(store)
        summary = queries.ratings_by_bundle(store, g.user.county, station_id,
                                            date.fromordinal(today.toordinal() - 89), today)
        total, bad = sum(b["total"] for b in summary), sum(b["bad"] for b in summary)
        return page("console/station.html", s=view, history=history, alerts=alerts,
                    ratings={"total": total, "bad": bad, "bad_share_text": present.share(bad, total)})

    # -- alerts -----------------------------------------------------------------------------
    def _alert_status(a: dict[str, Any], now: float) -> str:
        if a["closed_at"]:
            return f"已恢复（{present.when(a['closed_at'], now)}）"
        if a["acknowledged_at"]:
            return f"处理中：{a['acknowledged_by']} 已确认"
        return "未确认"

    @bp.route("/alerts")
    def alerts() -> Any:
        county = scope_county()
        status = request.args.get("status", "open")
        status = status if status in ("open", "all") else "open"
        station_id = request.args.get("station", "").strip()[:64] or None
        page_no = _int_arg("page", 1, 1, 100000)
        open_only = status == "open"
        total = queries.alert_count(store, county, open_only, station_id)
        found = store.alerts(county=county, open_only=open_only, station_id=station_id,
                             limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE)
        notes = queries.alert_notes(store, [int(a["id"]) for a in found])
        now = store.clock()
        rows = []
        for a in found:
            severity = states.ALERTS.get(a["kind"], ("", states.ATTENTION))[1] if not a["closed_at"] else "ok"
            rows.append(a | {
                "severity": severity, "open": a["closed_at"] is None,
                "station_name": a["name"] or a["station_id"],
                "opened_text": present.when(a["opened_at"], now),
                "closed_text": present.when(a["closed_at"], now) if a["closed_at"] else "",
                "acknowledged_text": present.when(a["acknowledged_at"], now),
                "notes": [{"text": n["text"], "by": n["author"], "at_text": present.when(n["at"], now)}
                          for n in notes.get(int(a["id"]), [])]})
        args = {"status": status, "county": county if not g.user.county else "", "station": station_id or ""}
        return page("console/alerts.html", rows=rows, counties=county_choices(),
                    status_choices=[("open", "未关闭"), ("all", "全部（含已恢复）")],
                    args={k: v for k, v in args.items() if v}, back=request.full_path.rstrip("?"),
                    page=page_no, pages=max(1, -(-total // PAGE_SIZE)), total=total)

    def _scoped_alert(alert_id: int) -> dict[str, Any] | None:
        a = store.alert(alert_id)
        if a is None or not g.user.can_see(a["division_code"]):
            if a is not None:
                audit("alert.denied", str(alert_id))
            return None
        return a

    @bp.route("/alerts/<int:alert_id>/ack", methods=["POST"])
    def alert_ack(alert_id: int) -> Any:
        a = _scoped_alert(alert_id)
        if a is None:
            return not_found()
        if store.acknowledge_alert(alert_id, g.user.display_name):
            audit("alert.acknowledge", str(alert_id), station_id=a["station_id"], kind=a["kind"])
            flash(f"已确认：{a['name'] or a['station_id']} {a['label']}。", "ok")
        else:
            flash("这条告警已经有人确认过了。", "info")
        return redirect(_safe_back(request.form.get("back"), url_for("console_web.alerts")))

    @bp.route("/alerts/<int:alert_id>/note", methods=["POST"])
    def alert_note(alert_id: int) -> Any:
        a = _scoped_alert(alert_id)
        if a is None:
            return not_found()
        text = request.form.get("text", "").strip()[:500]
        if not text:
            flash("处理记录不能为空，请写下做了什么。", "error")
        else:
            store.add_alert_note(alert_id, g.user.display_name, text)
            audit("alert.note", str(alert_id), station_id=a["station_id"], length=len(text))
            flash("处理记录已保存。", "ok")
        return redirect(_safe_back(request.form.get("back"), url_for("console_web.alerts")))

    # -- 好差评 ------------------------------------------------------------------------------
    @bp.route("/ratings")
    def ratings() -> Any:
        county = scope_county()
        days = _int_arg("days", 30, 1, 366)
        if days not in (7, 30, 90, 365):
            days = 30
        station_id = request.args.get("station", "").strip()[:64] or None
        scope_text = "全省" if not county else county_name(county)
        if station_id:
            s = store.station(station_id, county=g.user.county)
            if s is None:
                return not_found()
            scope_text = s["name"] or station_id
        today = _today(store)
        since = date.fromordinal(today.toordinal() - days + 1)
        names = _bundle_names()
        bundles = []
        for b in queries.ratings_by_bundle(store, county, station_id, since, today):
            shares = [x for x in b["trend"] if x is not None]
            top = max(shares, default=0) or 1
            bundles.append(b | {
                "name": names.get(b["bundle"], b["bundle"]),
                "bad_share_text": present.share(b["bad"], b["total"]),
                "bad_pct": round(100 * b["bad"] / b["total"], 1) if b["total"] else 0,
                "trend_heights": [round(100 * (x or 0) / top) for x in b["trend"]],
                "trend_any": any(shares),
                "trend_text": "最近 8 周差评占比：" + "、".join("—" if x is None else f"{100 * x:.0f}%"
                                                        for x in b["trend"])})
        totals = {"total": sum(b["total"] for b in bundles), "bad": sum(b["bad"] for b in bundles)}
        totals["bad_share_text"] = present.share(totals["bad"], totals["total"])
        worst: list[dict[str, Any]] = []
        if not station_id:
            summary = store.rating_summary("station", county=county, since_day=since.isoformat(),
                                           until_day=today.isoformat())
            by_station = [r for r in summary if r["bad"]]
            by_station.sort(key=lambda r: (-r["bad"] / r["total"], -r["bad"]))
            info = {s["station_id"]: s for s in _stations_named(store, [r["key"] for r in by_station[:15]])}
            for r in by_station[:15]:
                s = info.get(r["key"], {})
                worst.append({"station_id": r["key"], "name": s.get("name") or r["key"],
                              "county": s.get("county", ""), "township": s.get("township", ""),
                              "total": r["total"], "bad": r["bad"],
                              "bad_share_text": present.share(r["bad"], r["total"])})
        args = {"county": county if not g.user.county else "", "station": station_id or "", "days": days}
        return page("console/ratings.html", bundles=bundles, stations=worst, totals=totals,
                    levels=sorted(present.LEVEL_NAMES.items(), reverse=True), counties=county_choices(),
                    args=args, scope_text=f"{scope_text}最近 {days} 天",
                    overdue_callbacks=queries.overdue_count(store, g.user.county, today))

    # -- 差评整改 ----------------------------------------------------------------------------
    @bp.route("/followups")
    def followups() -> Any:
        county = scope_county()
        status = request.args.get("status", "open")
        status = status if status in ("open", "called_back", "closed", "all") else "open"
        overdue = request.args.get("overdue") == "1"
        page_no = _int_arg("page", 1, 1, 100000)
        today = _today(store)
        wanted = None if status == "all" else status
        total = queries.rectification_count(store, county, wanted, overdue, today)
        found = store.rectifications(county=county, status=wanted,
                                     overdue_only=overdue, today=today, limit=PAGE_SIZE,
                                     offset=(page_no - 1) * PAGE_SIZE)
        now = store.clock()
        names = _bundle_names()
        rows = []
        for r in found:
            due = date.fromisoformat(str(r["due_date"]))
            rows.append(r | {
                "level_name": present.LEVEL_NAMES.get(int(r["level"]), str(r["level"])),
                "bundle_name": names.get(r["bundle"], r["bundle"]),
                "reason": "、".join(str(x) for x in r["reasons"]),
                "rated_text": present.when(r["rated_at"], now), "station_name": r["name"] or r["station_id"],
                "due_text": present.day_text(due) + " 前回访",
                "overdue_days": working_days_between(due, today),
                "days_left": working_days_between(today, due),
                "called_back": r["status"] in ("called_back", "closed"),
                "callback_text": present.when(r["called_back_at"], now), "callback_by": r["handled_by"],
                "closed": r["status"] == "closed", "closed_text": present.when(r["closed_at"], now)})
        args = {"status": status, "overdue": "1" if overdue else "",
                "county": county if not g.user.county else ""}
        return page("console/followups.html", rows=rows, counties=county_choices(),
                    status_choices=[("open", "待回访"), ("called_back", "已回访，待整改办结"),
                                    ("closed", "已办结"), ("all", "全部")],
                    args={k: v for k, v in args.items() if v}, back=request.full_path.rstrip("?"),
                    overdue_count=queries.overdue_count(store, g.user.county, today),
                    working_days=CALLBACK_WORKING_DAYS,
                    page=page_no, pages=max(1, -(-total // PAGE_SIZE)), total=total)

    def _scoped_rectification(rectification_id: int) -> bool:
        division = queries.rectification_division(store, rectification_id)
        if division is None or not g.user.can_see(division):
            if division is not None:
                audit("followup.denied", str(rectification_id))
            return False
        return True

    @bp.route("/followups/<int:rating_id>/callback", methods=["POST"])
    def followup_callback(rating_id: int) -> Any:
        if not _scoped_rectification(rating_id):
            return not_found()
        text = request.form.get("text", "").strip()[:500]
        if not text:
            flash("回访结果不能为空，请写下群众怎么说。", "error")
        elif store.record_callback(rating_id, g.user.display_name, text):
            audit("followup.callback", str(rating_id), length=len(text))
            flash("回访已记录。请在整改完成后记录整改措施并办结。", "ok")
        else:
            flash("这条差评已经回访过了。", "info")
        return redirect(_safe_back(request.form.get("back"), url_for("console_web.followups")))

    @bp.route("/followups/<int:rating_id>/rectify", methods=["POST"])
    def followup_rectify(rating_id: int) -> Any:
        if not _scoped_rectification(rating_id):
            return not_found()
        text = request.form.get("text", "").strip()[:500]
        if not text:
            flash("整改措施不能为空，请写下做了什么。", "error")
        elif store.close_rectification(rating_id, g.user.display_name, text):
            audit("followup.close", str(rating_id), length=len(text))
            flash("整改措施已记录，这条差评已办结。", "ok")
        else:
            flash("请先记录回访，再记录整改措施。", "error")
        return redirect(_safe_back(request.form.get("back"), url_for("console_web.followups")))

    # -- versions and rollouts ----------------------------------------------------------------
    @bp.route("/versions")
    def versions() -> Any:
        county = scope_county()
        tables = []
        total = 0
        for kind, title, table_id in (("software", "软件版本", "software-versions"),
                                      ("catalogue", "事项目录版本", "catalogue-versions")):
            dist = store.version_distribution(kind, county=county)
            total = sum(d["stations"] for d in dist)
            top = max((d["stations"] for d in dist), default=1)
            rows = [{"version": d["version"], "count": d["stations"], "pct": round(100 * d["stations"] / top),
                     "share_text": present.share(d["stations"], total)} for d in dist]
            tables.append((title, table_id, rows, kind))
        scope_text = "全省" if not county else county_name(county)
        return page("console/versions.html", tables=tables, total=total, scope_text=scope_text,
                    counties=county_choices())

    def _rollout_view(r: dict[str, Any], now: float) -> dict[str, Any]:
        progress = queries.ring_progress(store, r["kind"], r["version"], g.user.county)
        pilot = r["ring"] == "pilot"
        stage = {"active": ("试点中", "attention") if pilot else ("全部发布中", "ok"),
                 "halted": ("已暂停", "fault"),
                 "completed": ("已完成", "ok")}.get(r["state"], (r["state"], "offline"))

        def pct(done: int, total: int) -> int:
            return round(100 * done / total) if total else 0

        rings = [("试点驿站", progress["pilot_done"], progress["pilot_total"],
                  pct(progress["pilot_done"], progress["pilot_total"]))]
        if r["ring"] == "all" or r["state"] == "completed":
            rings.append(("全部驿站", progress["done"], progress["total"],
                          pct(progress["done"], progress["total"])))
        return r | {
            "kind_label": dict(ROLLOUT_KINDS).get(r["kind"], r["kind"]), "stage_label": stage[0],
            "stage_class": stage[1], "halted": r["state"] == "halted", "halt_reason": r["halted_reason"],
            "rings": rings, "rolled_back": progress["rolled_back"],
            "progress_text": "；".join(f"{label} {done}/{total}" for label, done, total, _ in rings),
            "created_text": present.when(r["created_at"], now),
            "can_advance": r["state"] == "active" and r["ring"] == "pilot",
            "can_halt": r["state"] == "active", "can_resume": r["state"] == "halted",
            "can_complete": r["state"] == "active" and r["ring"] == "all"}

    @bp.route("/rollouts")
    def rollouts() -> Any:
        now = store.clock()
        rows = [_rollout_view(r, now) for r in store.rollouts()]
        pilot_count = store.query("SELECT COUNT(*) AS n FROM stations WHERE ring = 'pilot'")[0]["n"]
        return page("console/rollouts.html", rows=rows, kinds=ROLLOUT_KINDS, can_manage=g.user.is_province,
                    releases=store.releases(), pilot_count=int(pilot_count))

    @bp.route("/rollouts/<int:rollout_id>")
    def rollout(rollout_id: int) -> Any:
        found = [r for r in store.rollouts() if int(r["id"]) == rollout_id]
        if not found:
            return not_found()
        now = store.clock()
        r = _rollout_view(found[0], now)
        column = "software_version" if r["kind"] == "software" else "catalogue_version"
        pilots = []
        for p in queries.pilot_stations(store, g.user.county, limit=5000):
            rolled = "rolled_back" in (p["alerts"] or "")
            current = p[column]
            if rolled:
                st, text = "fault", "更新后已回退"
            elif current == r["version"]:
                st, text = "ok", "已更新"
            else:
                st, text = "offline", "未更新"
            pilots.append({"station_id": p["station_id"], "name": p["name"] or p["station_id"],
                           "current": current, "state": st, "text": text})
        order = {"fault": 0, "ok": 1, "offline": 2}
        pilots.sort(key=lambda p: (order[p["state"]], p["station_id"]))
        return page("console/rollout.html", r=r, pilots=pilots[:PILOTS_SHOWN], pilot_total=len(pilots),
                    can_manage=g.user.is_province)

    @bp.route("/rollouts/new", methods=["POST"])
    def rollout_create() -> Any:
        if not g.user.is_province:
            abort(403)
        kind = request.form.get("kind", "")
        version = request.form.get("version", "").strip()[:64]
        if kind not in dict(ROLLOUT_KINDS) or not version:
            flash("请选择发布内容并填写版本号。", "error")
            return redirect(url_for("console_web.rollouts"))
        release = next((x for x in store.releases(kind) if x["version"] == version), None)
        if release is None or not release["sha256"]:    # only a file the stations can fetch
            flash(f"版本 {version} 还没有登记发布文件，请先在管控平台电脑上运行 "
                  "python main.py console add-release 登记。", "error")
            return redirect(url_for("console_web.rollouts"))
        rollout_id = store.start_rollout(kind, version, g.user.display_name,
                                         artifact=release["artifact"] if release else "")
        audit("rollout.start", str(rollout_id), kind=kind, version=version)
        flash(f"已创建发布：{dict(ROLLOUT_KINDS)[kind]} {version}，先发给试点驿站。", "ok")
        return redirect(url_for("console_web.rollout", rollout_id=rollout_id))

    @bp.route("/rollouts/<int:rollout_id>/<any(advance, halt, resume, complete):action>", methods=["POST"])
    def rollout_action(rollout_id: int, action: str) -> Any:
        if not g.user.is_province:
            abort(403)
        if action == "advance":
            done = store.promote_rollout(rollout_id)
            message = ("已发给全部驿站。", "ok") if done else \
                ("只有进行中的试点发布可以发给全部驿站。", "error")
        elif action == "halt":
            done = store.halt_rollout(rollout_id, f"{g.user.display_name} 手动暂停。")
            message = ("发布已暂停。", "ok") if done else ("这次发布不在进行中。", "info")
        elif action == "complete":
            done = store.complete_rollout(rollout_id)
            message = ("这次发布已标记为完成。", "ok") if done else \
                ("只有发给全部驿站的发布可以标记完成。", "error")
        else:
            done = store.resume_rollout(rollout_id)
            message = ("发布已继续。", "ok") if done else ("这次发布没有暂停。", "info")
        if done:
            audit(f"rollout.{action}", str(rollout_id))
        flash(*message)
        return redirect(url_for("console_web.rollout", rollout_id=rollout_id))

    # -- audit --------------------------------------------------------------------------------
    @bp.route("/audit")
    def audit_page() -> Any:
        """Province staff read every entry; county staff read their own."""
        page_no = _int_arg("page", 1, 1, 100000)
        who = None if g.user.is_province else g.user.username
        found = store.audit_log(limit=PAGE_SIZE + 1, offset=(page_no - 1) * PAGE_SIZE, username=who)
        now = store.clock()
        rows = [{"at_text": present.when(r["at"], now), "username": r["username"] or "—",
                 "action": AUDIT_WORDS.get(r["action"], r["action"]),
                 "target": _audit_target(r["action"], r["target"]),
                 "remote": r["remote_addr"]} for r in found[:PAGE_SIZE]]
        return page("console/audit.html", rows=rows, page=page_no, more=len(found) > PAGE_SIZE,
                    own_only=who is not None)

    @bp.errorhandler(500)
    def _broken(_exc: Exception) -> Any:
        """The database went away (restart, network): one Chinese sentence, never a traceback.
        Nothing here touches the database; the next request opens a new connection."""
        return render_template("console/message.html", title="暂时无法显示", user=None, nav=NAV, active="",
                               csrf="", messages=[],
                               text="管控平台暂时读不到数据库，请稍后刷新页面；一直这样请联系省级运维。"), 500

    @bp.errorhandler(403)
    def _forbidden(_exc: Exception) -> Any:
        return page("console/message.html", title="没有权限", text="只有省级账号可以做这件事。"), 403

    return bp


def _audit_target(action: str, target: str) -> str:
    """What an audit entry is about, in words: 告警 #1217, 驿站 210124-0001 …"""
    kind = {"rollout": "发布 #", "alert": "告警 #", "followup": "差评 #", "station": "驿站 ",
            "user": "账号 ", "address": "地址 "}.get(action.split(".")[0], "")
    return f"{kind}{target}" if target else ""


def _stations_named(store: Store, ids: list[str]) -> list[dict[str, Any]]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return store.query(f"SELECT station_id, name, county, township FROM stations "
                       f"WHERE station_id IN ({marks})", ids)


def _report_facts(report: dict[str, Any]) -> dict[str, Any]:
    """The figures of one stored report for the history table (the Report of console_api.yaml)."""
    queue = report.get("queue") or {}
    devices = report.get("devices") or {}
    return {
        "queue_pending": int(queue.get("pending") or 0), "queue_failed": int(queue.get("failed") or 0),
        "queue_oldest_age_s": queue.get("oldest_age_s"),
        "devices": devices if isinstance(devices, dict) else {},
        "software_version": report.get("software_version", ""),
        "catalogue_version": report.get("catalogue_version") or "",
    }
