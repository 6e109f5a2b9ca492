"""Pages in a real browser: both widgets on a partner page served from another
origin, the API docs and admin under their Content Security Policy, and the
admin's second-factor enrolment and sign-in.

Debian's Chromium runs headless through Playwright (no browser download).
Without Chromium the tests skip, unless REHABINFO_REQUIRE_BROWSER is set, as
``.ci/run`` does, which turns the skip into a failure.
"""

import base64
import datetime
import http.server
import os
import shutil
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django_otp.oath import totp

from content.models import Topic
from partners.models import Partner
from tests.conftest import render_every_document

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = os.environ.get("REHABINFO_SCREENSHOTS")  # folder to save them in
HOSTILE_CSS = """
* { color: red !important; font: 40px/3 serif !important; margin: 30px !important;
    display: inline !important; background: yellow !important; }
details, summary, section { display: none !important; }
"""

if not Path(CHROMIUM).exists():
    if os.environ.get("REHABINFO_REQUIRE_BROWSER"):
        raise RuntimeError(f"Chromium is required but missing at {CHROMIUM}")
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright


def partner_page(api: str, *, hostile: bool, iframe_query: str = "", script=True):
    style = f"<style>{HOSTILE_CSS}</style>" if hostile else ""
    widgets = (
        f'<div id="topic" data-rehabinfo-faqs="heroin-rehab"></div>'
        f'<div id="comparison" data-rehabinfo-kind="comparison"'
        f' data-rehabinfo-faqs="inpatient-vs-outpatient-heroin-rehab"'
        f' data-rehabinfo-theme="dark"></div>'
        f'<script async src="{api}/embed/v1/faqs.js"></script>'
        if script
        else ""
    )
    return (
        # data: icon: the browser's favicon request would otherwise be a 404.
        f"<!doctype html><html lang='en'><head><title>Clinic</title>"
        f"<link rel='icon' href='data:,'>{style}</head>"
        f"<body><h1>Partner clinic</h1>{widgets}"
        f'<iframe id="frame" title="FAQs" width="360" height="600" '
        f'src="{api}/embed/v1/topics/heroin-rehab/faqs/{iframe_query}"></iframe>'
        f"</body></html>"
    )


class PartnerSite:
    """A tiny web server on another origin (127.0.0.1, its own port)."""

    def __init__(self):
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                body = pages.get(self.path, "").encode()
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str, html: str) -> str:
        self.pages[path] = html
        return self.origin + path


@pytest.fixture
def api(live_server, transactional_db, monkeypatch):
    call_command("loaddata", "seed", verbosity=0)
    render_every_document()
    # Playwright's sync API runs an event loop in this thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    # live_server answers on "localhost": a different origin from the partner.
    return live_server.url


@pytest.fixture
def partner_site():
    site = PartnerSite()
    yield site
    site.server.shutdown()


@pytest.fixture
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def open_page(browser, url: str, width: int = 1024):
    page = browser.new_page(viewport={"width": width, "height": 1400})
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return page, errors


def widget_style(page) -> dict:
    summary = page.locator("#topic summary").first
    summary.wait_for()
    return summary.evaluate(
        """el => { const s = getComputedStyle(el);
                   const d = getComputedStyle(el.parentElement);
                   return {color: s.color, font: s.fontSize, family: s.fontFamily,
                           display: d.display, margin: s.marginTop}; }"""
    )


def test_widgets_render_and_expand_on_a_partner_page(api, partner_site, browser):
    page, errors = open_page(
        browser, partner_site.url("/", partner_page(api, hostile=False))
    )

    topic_summary = page.locator("#topic summary").first
    topic_summary.wait_for()
    assert page.locator("#topic details").count() >= 5
    page.locator("#comparison summary").first.wait_for()
    topic_summary.click()
    assert page.locator("#topic details").first.evaluate("d => d.open")
    assert page.locator("#topic details .answer").first.is_visible()

    frame = page.frame_locator("#frame")
    frame.locator("summary").first.click()
    assert frame.locator("details").first.evaluate("d => d.open")
    assert frame.locator("footer a[href^='tel:']").count() >= 1

    page.wait_for_function(
        "document.head.querySelectorAll('script[type=\"application/ld+json\"]')"
        ".length === 2"
    )
    types = page.evaluate(
        "[...document.head.querySelectorAll('script[type=\"application/ld+json\"]')]"
        ".map(s => JSON.parse(s.textContent)['@type'])"
    )
    assert types == ["FAQPage", "FAQPage"]
    globals_added = page.evaluate(
        "Object.keys(window).filter(k => k.toLowerCase().includes('rehabinfo'))"
    )
    assert globals_added == ["Rehabinfo"]
    assert errors == []


def test_hostile_host_css_does_not_change_the_script_widget(api, partner_site, browser):
    calm, _ = open_page(
        browser, partner_site.url("/calm", partner_page(api, hostile=False))
    )
    hostile, errors = open_page(
        browser, partner_site.url("/hostile", partner_page(api, hostile=True))
    )

    assert widget_style(hostile) == widget_style(calm)
    assert widget_style(hostile)["display"] == "block"
    assert errors == []


def test_iframe_widget_is_readable_at_320_pixels(api, partner_site, browser):
    page, errors = open_page(browser, f"{api}/embed/v1/topics/heroin-rehab/faqs/", 320)

    page.locator("summary").first.wait_for()
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 320
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.locator("details").first.evaluate("d => d.open")
    assert errors == []


def test_script_widget_falls_back_to_the_reader_page_when_the_api_is_down(
    api, partner_site, browser
):
    page = browser.new_page()
    page.route("**/api/v1/**", lambda route: route.abort())
    page.goto(partner_site.url("/offline", partner_page(api, hostile=False)))

    fallback = page.locator("#topic a")
    fallback.first.wait_for()
    assert fallback.first.get_attribute("href") == f"{api}/topics/heroin-rehab/"
    assert (
        "Rehabinfo could not be reached." in page.locator("#topic section").inner_text()
    )


def issue_key(name: str, allowed_origins: str) -> str:
    partner = Partner.objects.create(
        name=name,
        contact_name="Kim",
        contact_email="kim@clinic.example",
        allowed_origins=allowed_origins,
    )
    return partner.issue_key("site")[1]


# Keys are issued by fixtures set up before ``browser``: a query made while
# Playwright runs happens in its greenlet, on a connection no teardown closes.


@pytest.fixture
def key_for_elsewhere(api):
    return issue_key("Elsewhere clinic", "https://elsewhere.example")


@pytest.fixture
def key_for_partner_site(api, partner_site):
    return issue_key("Our clinic", partner_site.origin)


def open_keyed_iframe(browser, api: str, partner_site, key: str):
    """The partner site's page holding only the iframe widget, with ``key``."""
    html = partner_page(api, hostile=False, iframe_query=f"?key={key}", script=False)
    return open_page(browser, partner_site.url("/keyed", html))


def test_keyed_iframe_refuses_to_load_on_a_site_the_key_does_not_allow(
    api, partner_site, key_for_elsewhere, browser
):
    page, errors = open_keyed_iframe(browser, api, partner_site, key_for_elsewhere)

    page.wait_for_timeout(1500)
    frame = page.frame_locator("#frame")
    assert frame.locator("details").count() == 0
    assert any("frame-ancestors" in error or "403" in error for error in errors)


def test_keyed_iframe_loads_on_the_partner_own_site(
    api, partner_site, key_for_partner_site, browser
):
    page, errors = open_keyed_iframe(browser, api, partner_site, key_for_partner_site)

    page.frame_locator("#frame").locator("summary").first.wait_for()
    assert errors == []


def watched_page(browser):
    """A new page, with the lists its script errors and console errors go to."""
    page = browser.new_page()
    script_errors, console_errors = [], []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.on(
        "console", lambda m: console_errors.append(m) if m.type == "error" else None
    )
    return page, script_errors, console_errors


@pytest.mark.parametrize(
    ("path", "rendered"),
    [
        ("/api/v1/docs/", ".opblock-summary-path"),
        ("/api/v1/redoc/", "h1:has-text('Rehabinfo API')"),
        (f"/{settings.ADMIN_PATH}login/", "#id_username"),
    ],
)
def test_pages_render_within_their_content_security_policy(
    api, browser, path, rendered
):
    page, script_errors, console_errors = watched_page(browser)
    page.goto(api + path)

    page.locator(rendered).first.wait_for()
    assert script_errors == []
    # A refused script, style, worker or fetch shows up as a console error.
    assert [m.text for m in console_errors if not expected_refusal(m)] == []


def expected_refusal(message) -> bool:
    """Console errors the page is meant to cause."""
    return (
        # The browser's own favicon request is no part of the page.
        message.location["url"].endswith("/favicon.ico")
        # ReDoc's footer logo from its maker's CDN: refused on purpose (no
        # third-party requests from the docs); ReDoc then hides it.
        or "https://cdn.redoc.ly/" in message.text
    )


PUBLISHER_PASSWORD = "correct horse battery staple"


@pytest.fixture
def publisher_needing_a_second_factor(api, django_user_model, settings):
    settings.ADMIN_MFA_REQUIRED = True
    user = django_user_model.objects.create_user(
        "pat", password=PUBLISHER_PASSWORD, is_staff=True
    )
    # A permission, not the group: earlier browser tests flush the database,
    # and with it the groups that a migration created.
    user.user_permissions.add(Permission.objects.get(codename="publish_topic"))
    return user.username


def app_code(secret: str) -> str:
    """What an authenticator app shows for a key typed in from the page."""
    return f"{totp(base64.b32decode(secret.replace(' ', ''))):06d}"


def give_password(page, username: str):
    page.fill("#id_username", username)
    page.fill("#id_password", PUBLISHER_PASSWORD)
    page.click("#login-form input[type=submit]")


def test_admin_second_factor_enrols_and_signs_in_within_the_policy(
    api, publisher_needing_a_second_factor, browser, time_machine
):
    page, script_errors, console_errors = watched_page(browser)
    page.goto(f"{api}/{settings.ADMIN_PATH}")
    give_password(page, publisher_needing_a_second_factor)

    qr_code = page.locator("#qr-code")
    qr_code.wait_for()
    # A data: image refused by the policy would have no size.
    assert qr_code.evaluate("img => img.complete && img.naturalWidth") > 0
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/admin-second-factor-enrol.png")
    secret = page.locator("#secret").inner_text()
    page.fill("#id_code", app_code(secret))
    page.click("#code-form input[type=submit]")
    page.locator("#recovery-codes").wait_for()
    assert page.locator("#recovery-codes li").count() == 10
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/admin-second-factor-codes.png")
    page.click("#continue")
    page.locator("#logout-form").wait_for()
    page.click("#logout-form button")

    page.goto(f"{api}/{settings.ADMIN_PATH}")
    give_password(page, publisher_needing_a_second_factor)
    page.locator("#code-form").wait_for()
    # The next 30-second step: a code already used never works twice.
    time_machine.move_to(
        datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=30)
    )
    page.fill("#id_code", app_code(secret))
    page.click("#code-form input[type=submit]")

    page.locator("#logout-form").wait_for()
    assert page.url == f"{api}/{settings.ADMIN_PATH}"
    assert script_errors == []
    assert [m.text for m in console_errors if not expected_refusal(m)] == []


# Set up before ``browser``: a query made while Playwright runs would hold a
# connection that nothing closes.
@pytest.fixture
def scheduled_topic_and_superuser(api, django_user_model):
    django_user_model.objects.create_superuser("tz", password=PUBLISHER_PASSWORD)
    return Topic.objects.create(
        slug="later",
        title="Later",
        summary="Scheduled.",
        publish_at=datetime.datetime(2026, 12, 24, 14, 0, tzinfo=datetime.UTC),
    )


def test_admin_shows_times_in_the_browsers_time_zone(
    api, scheduled_topic_and_superuser, browser
):
    topic = scheduled_topic_and_superuser
    context = browser.new_context(timezone_id="America/New_York")
    page = context.new_page()
    page.goto(f"{api}/{settings.ADMIN_PATH}")
    give_password(page, "tz")

    # The admin's pages tell the server the zone; the next page uses it.
    page.goto(f"{api}/{settings.ADMIN_PATH}content/topic/{topic.pk}/change/")

    assert page.input_value("#id_publish_at_1") == "09:00:00"
    assert "Times are in America/New_York." in page.content()
    context.close()
