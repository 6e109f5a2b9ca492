"""Reader pages in a real browser: narrow and wide, within the site's Content
Security Policy, and with no WCAG 2.2 AA violation that axe-core can find.

axe-core comes from the npm registry (tests/axe/package.json, installed by
``npm ci`` in .ci/run) and is injected into each page. Like tests/test_browser.py
these tests skip without Chromium or axe-core, unless REHABINFO_REQUIRE_BROWSER
is set, as CI does.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import render_every_document
from tests.test_browser import browser

AXE = (
    Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
)
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
TOPIC = "/topics/heroin-rehab/"
COMPARISON = "/comparisons/inpatient-vs-outpatient-heroin-rehab/"
READER_PAGES = ["/", TOPIC, COMPARISON, f"{COMPARISON}decide/", "/faqs/1/"]

__all__ = ["browser"]  # the Chromium fixture, shared with the widget tests

if not AXE.exists():
    if os.environ.get("REHABINFO_REQUIRE_BROWSER"):
        raise RuntimeError(f"axe-core is required but missing at {AXE}: npm ci")
    pytest.skip(
        "axe-core is not installed (npm ci in tests/axe)", allow_module_level=True
    )


@pytest.fixture
def site(live_server, seed_content_committed):
    return live_server.url


@pytest.fixture
def seed_content_committed(transactional_db, monkeypatch):
    from django.core.management import call_command

    call_command("loaddata", "seed", verbosity=0)
    render_every_document()
    # Playwright's sync API runs an event loop in this thread.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def open_reader_page(browser, url: str, width: int, bypass_csp: bool = False):
    """The page at ``width``, with the lists its script and console errors go to.

    ``bypass_csp`` only lets axe-core be injected; the page's own policy is
    checked by the tests that leave it on.
    """
    context = browser.new_context(
        viewport={"width": width, "height": 900}, bypass_csp=bypass_csp
    )
    page = context.new_page()
    script_errors, console_errors = [], []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.on(
        "console", lambda m: console_errors.append(m) if m.type == "error" else None
    )
    page.goto(url)
    page.locator("h1").first.wait_for()
    return page, script_errors, console_errors


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})
                   .then(r => r.violations.map(v => ({id: v.id, help: v.help,
                         nodes: v.nodes.map(n => n.target.join(' '))})))""",
        WCAG_22_AA,
    )


@pytest.mark.parametrize("width", [320, 1280])
def test_topic_page_renders_without_errors_or_overflow(site, browser, width):
    page, script_errors, console_errors = open_reader_page(browser, site + TOPIC, width)

    assert page.locator("h1").inner_text() == "Heroin rehab"
    assert page.locator(".review").is_visible()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert script_errors == []
    assert [m.text for m in console_errors] == []


@pytest.mark.parametrize("path", READER_PAGES)
@pytest.mark.parametrize("width", [320, 1280])
def test_reader_page_has_no_axe_violations(site, browser, path, width):
    page, script_errors, console_errors = open_reader_page(
        browser, site + path, width, bypass_csp=True
    )

    assert axe_violations(page) == []
    assert [m.text for m in console_errors] == []


def test_decision_form_works_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site}{COMPARISON}decide/")

    page.get_by_role(
        "group", name="Do you have a safe, stable place to live?"
    ).get_by_label("No", exact=True).check()
    page.get_by_role("button", name="See which option fits").click()

    page.get_by_role("heading", name="What your answers suggest").wait_for()
    assert "An unsafe or unstable place to live." in page.content()
    context.close()
