"""The widgets, the reader pages and the partner pages in Chromium: what issue
16 asks to be proven in a real browser.

At 375 and 1280 px: the iframe fits its content (no inner scrolling, closed
or open), both widgets show the same words, a refused widget says why, the
script widget makes one request, and axe-core finds no WCAG 2.2 AA violation
in either colour scheme. Questions open from the keyboard with a visible
focus. A partner signs in and sees its usage.

With REHABINFO_SCREENSHOTS=docs the tests also write the README's pictures
(see docs/widgets.md, "Screenshots"). Like the other browser tests these skip
without Chromium or axe-core, unless REHABINFO_REQUIRE_BROWSER is set (CI).
"""

import re

import pytest
from django.contrib.auth.models import User

from partners.access import record_usage
from partners.models import PartnerUser
from tests.test_browser import (
    SCREENSHOTS,
    api,
    browser,
    issue_key,
    partner_site,
)
from tests.test_browser_pages import axe_violations

__all__ = ["api", "browser", "partner_site"]  # fixtures shared with other modules

WIDTHS = [375, 1280]
SCHEMES = ["light", "dark"]
TOPIC_IFRAME = "/embed/v1/topics/heroin-rehab/faqs/"
PARTNER_PASSWORD = "a long partner passphrase"


def widget_page(api: str, *, key: str = "", theme: str = "auto") -> str:
    """A partner's page: the script widget, then the iframe, both of one topic."""
    key_attribute = f' data-rehabinfo-key="{key}"' if key else ""
    query = f"?theme={theme}" + (f"&key={key}" if key else "")
    return (
        "<!doctype html><html lang='en'><head><title>Clinic</title>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        "<link rel='icon' href='data:,'></head><body><main><h1>Partner clinic</h1>"
        f'<div id="script" data-rehabinfo-faqs="heroin-rehab"'
        f' data-rehabinfo-theme="{theme}"{key_attribute}></div>'
        f'<iframe id="frame" title="Heroin rehab: frequently asked questions"'
        f' src="{api}{TOPIC_IFRAME}{query}" width="100%" height="640"'
        f' style="border:0;display:block"></iframe>'
        f'<script async src="{api}/embed/v1/faqs.js"></script>'
        "</main></body></html>"
    )


def open_widgets(browser, url: str, width: int, scheme: str = "light"):
    """The page at ``width`` in ``scheme``; with its requests and console errors."""
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme
    )
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda request: requests.append(request))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    return page, requests, errors


def script_widget(page):
    """The script widget's box, once it has rendered (or refused)."""
    page.wait_for_function(
        "() => { const root = document.querySelector('#script').shadowRoot;"
        " const box = root && root.querySelector('section');"
        " return box && !box.hasAttribute('aria-busy'); }"
    )
    return page.locator("#script section")


def iframe_main(page):
    frame = page.frame_locator("#frame")
    frame.locator("main").wait_for()
    return frame.locator("main")


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def wait_until_fitted(page, seconds: float = 10):
    """Wait until the iframe is as tall as its content says (rehabinfo:height).

    Measured again each time: a scrollbar appearing on the partner's page
    narrows the iframe, and its content grows taller in turn.
    """
    content = page.frame_locator("#frame").locator("main")
    frame = page.locator("#frame")
    for _ in range(int(seconds * 10)):
        height = content.evaluate("m => Math.ceil(m.getBoundingClientRect().height)")
        if frame.evaluate("f => f.offsetHeight") == height:
            return
        page.wait_for_timeout(100)
    raise AssertionError("the iframe never took its content's height")


def inner_scroll(page) -> int:
    """How far the iframe's own document can scroll: 0 when it all shows."""
    return (
        page.frame_locator("#frame")
        .locator("html")
        .evaluate("html => html.scrollHeight - window.innerHeight")
    )


# Set up before ``browser``: a query made while Playwright runs happens on a
# connection that no teardown closes.


@pytest.fixture
def key_for_partner_site(api, partner_site):
    return issue_key("Our clinic", partner_site.origin)


@pytest.fixture
def refused_keys(api, partner_site):
    """Keys refused on the partner site, by the reason the widgets must give."""
    elsewhere = issue_key("Elsewhere clinic", "https://elsewhere.example")
    revoked = issue_key("Closed clinic", partner_site.origin)
    from partners.models import Partner

    Partner.objects.get(name="Closed clinic").revoke_keys()
    return {
        "origin not allowed": (
            elsewhere,
            f"may not be used from {partner_site.origin}",
        ),
        "key revoked": (revoked, "This API key has been revoked"),
    }


@pytest.fixture
def partner_with_usage(api, partner_site):
    """A partner login whose partner has made widget and search requests."""
    from partners.models import Partner

    issue_key("Usage clinic", partner_site.origin)
    partner = Partner.objects.get(name="Usage clinic")
    for _ in range(7):
        record_usage(partner, "embed")
    record_usage(partner, "search")
    user = User.objects.create_user("kim", password=PARTNER_PASSWORD)
    PartnerUser.objects.create(user=user, partner=partner)
    return partner


@pytest.mark.parametrize("width", WIDTHS)
def test_both_widgets_show_identical_text(api, partner_site, browser, width):
    page, _, errors = open_widgets(
        browser, partner_site.url("/same", widget_page(api)), width
    )

    script_text = words(script_widget(page).text_content())
    iframe_text = words(iframe_main(page).text_content())

    assert script_text == iframe_text
    assert "Last reviewed 23 November 2026" in script_text
    assert "988 Suicide & Crisis Lifeline: 988 (24/7)" in script_text
    assert "SAMHSA's National Helpline: 1-800-662-4357 (24/7, 365" in script_text
    assert errors == []
    if SCREENSHOTS:
        page.locator("#script").screenshot(
            path=f"{SCREENSHOTS}/embed-script-{width}.png"
        )


@pytest.mark.parametrize("width", WIDTHS)
def test_iframe_shows_all_its_content_without_inner_scrolling(
    api, partner_site, browser, width
):
    page, _, errors = open_widgets(
        browser, partner_site.url("/fit", widget_page(api)), width
    )
    iframe_main(page)

    wait_until_fitted(page)
    assert inner_scroll(page) <= 0
    if SCREENSHOTS:
        page.locator("#frame").screenshot(
            path=f"{SCREENSHOTS}/embed-iframe-{width}.png"
        )

    # Every question open: the iframe grows with its content.
    closed_height = page.locator("#frame").evaluate("f => f.offsetHeight")
    frame = page.frame_locator("#frame")
    for n in range(frame.locator("summary").count()):
        frame.locator("summary").nth(n).click()
    wait_until_fitted(page)
    assert page.locator("#frame").evaluate("f => f.offsetHeight") > closed_height
    assert inner_scroll(page) <= 0
    assert errors == []


def test_iframe_without_the_script_keeps_its_own_height(api, partner_site, browser):
    html = widget_page(api).replace(
        f'<script async src="{api}/embed/v1/faqs.js"></script>', ""
    )
    page, _, _ = open_widgets(browser, partner_site.url("/plain", html), 375)
    iframe_main(page)
    page.wait_for_timeout(300)

    assert page.locator("#frame").evaluate("f => f.offsetHeight") == 640


@pytest.mark.parametrize("keyed", [False, True], ids=["keyless", "keyed"])
def test_script_widget_makes_exactly_one_request(
    api, partner_site, key_for_partner_site, browser, keyed
):
    key = key_for_partner_site if keyed else ""
    html = widget_page(api, key=key).replace("<iframe", "<template><iframe")
    html = html.replace("</iframe>", "</iframe></template>")
    page, requests, errors = open_widgets(browser, partner_site.url("/one", html), 1280)
    script_widget(page).locator("summary").first.wait_for()
    page.wait_for_timeout(300)  # anything late would show up here

    to_rehabinfo = [
        (request.method, request.url.removeprefix(api))
        for request in requests
        if request.url.startswith(api) and not request.url.endswith("/faqs.js")
    ]
    assert to_rehabinfo == [
        ("GET", "/api/v1/topics/heroin-rehab/widget/" + (f"?key={key}" if key else ""))
    ]
    assert errors == []


@pytest.mark.parametrize("reason", ["origin not allowed", "key revoked"])
def test_refused_widgets_state_their_reason_and_link_readers_on(
    api, partner_site, refused_keys, browser, reason
):
    key, why = refused_keys[reason]
    page, _, _ = open_widgets(
        browser, partner_site.url("/refused", widget_page(api, key=key)), 375
    )

    script_text = words(script_widget(page).text_content())
    iframe_text = words(iframe_main(page).text_content())

    for text in (script_text, iframe_text):
        assert "For the site owner:" in text
        assert why in text
        assert "Read these questions and answers on Rehabinfo" in text
    reader = f"{api}/topics/heroin-rehab/"
    assert page.locator("#script a").get_attribute("href") == reader
    assert page.frame_locator("#frame").locator("a").get_attribute("href") == reader


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("state", ["collapsed", "expanded"])
def test_script_widget_has_no_axe_violations(
    api, partner_site, browser, state, width, scheme
):
    page, _, errors = open_widgets(
        browser, partner_site.url("/axe", widget_page(api)), width, scheme
    )
    widget = script_widget(page)
    if state == "expanded":
        for n in range(widget.locator("summary").count()):
            widget.locator("summary").nth(n).click()

    assert axe_violations(page) == []
    assert errors == []


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("state", ["collapsed", "expanded"])
def test_iframe_widget_has_no_axe_violations(api, browser, state, width, scheme):
    # The policy is bypassed only to inject axe-core.
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        color_scheme=scheme,
        bypass_csp=True,
    )
    page = context.new_page()
    page.goto(f"{api}{TOPIC_IFRAME}?theme=auto")
    if state == "expanded":
        for n in range(page.locator("summary").count()):
            page.locator("summary").nth(n).click()

    assert axe_violations(page) == []


def test_dark_scheme_really_changes_the_auto_theme(api, browser):
    colours = {}
    for scheme in SCHEMES:
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(f"{api}{TOPIC_IFRAME}?theme=auto")
        colours[scheme] = page.locator("main").evaluate(
            "m => getComputedStyle(m).backgroundColor"
        )
        context.close()

    assert colours == {"light": "rgb(255, 255, 255)", "dark": "rgb(13, 17, 23)"}


def focused_summary_state(page, in_shadow: bool) -> dict:
    root = "document.querySelector('#script').shadowRoot" if in_shadow else "document"
    return page.evaluate(
        f"""() => {{ const el = {root}.activeElement;
            const style = getComputedStyle(el);
            return {{tag: el.tagName, visible: el.matches(':focus-visible'),
                     outline: style.outlineStyle,
                     width: parseFloat(style.outlineWidth),
                     open: el.parentElement.open}}; }}"""
    )


@pytest.mark.parametrize("key", ["Enter", "Space"])
@pytest.mark.parametrize("widget", ["script", "iframe"])
def test_questions_open_from_the_keyboard_with_visible_focus(
    api, partner_site, browser, widget, key
):
    if widget == "script":
        page, _, _ = open_widgets(
            browser, partner_site.url("/keys", widget_page(api)), 375
        )
        script_widget(page).locator("summary").first.wait_for()
    else:
        page, _, _ = open_widgets(browser, f"{api}{TOPIC_IFRAME}", 375)
        page.locator("summary").first.wait_for()

    # The script widget comes first on the partner's page; the iframe alone.
    page.keyboard.press("Tab")
    before = focused_summary_state(page, widget == "script")
    page.keyboard.press(key)
    after = focused_summary_state(page, widget == "script")

    assert before["tag"] == "SUMMARY" and before["visible"]
    assert before["outline"] == "solid" and before["width"] >= 2
    assert not before["open"]
    assert after["open"]


def tab_to(page, element_id: str, most: int = 10):
    """Press Tab until the element with ``element_id`` has the focus."""
    for _ in range(most):
        if page.evaluate("() => document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def sign_in_with_the_keyboard(page, api: str):
    page.goto(f"{api}/partners/")
    page.locator("#id_username").wait_for()
    tab_to(page, "id_username")
    page.keyboard.type("kim")
    page.keyboard.press("Tab")
    page.keyboard.type(PARTNER_PASSWORD)
    page.keyboard.press("Enter")
    page.locator("h1", has_text="Usage clinic").wait_for()


@pytest.mark.parametrize("width", WIDTHS)
def test_partner_signs_in_and_sees_its_usage(api, partner_with_usage, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    sign_in_with_the_keyboard(page, api)

    usage = page.locator("#usage-heading + .table-scroll table")
    assert usage.locator("thead").inner_text().split() == [
        "Day",
        "Embedded",
        "widgets",
        "Search",
        "All",
    ]
    assert words(usage.locator("tfoot").inner_text()) == "Last 30 days 7 1 8"
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert errors == []
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/partner-usage-{width}.png")


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_partner_pages_have_no_axe_violations(
    api, partner_with_usage, browser, width, scheme
):
    # The policy is bypassed only to inject axe-core; the usage test above
    # runs under it.
    context = browser.new_context(
        viewport={"width": width, "height": 900}, color_scheme=scheme, bypass_csp=True
    )
    page = context.new_page()
    page.goto(f"{api}/partners/sign-in/")
    assert axe_violations(page) == []

    sign_in_with_the_keyboard(page, api)
    assert axe_violations(page) == []

    page.get_by_role("link", name=re.compile("^Rotate")).first.click()
    page.get_by_role("button", name="Rotate now").wait_for()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Rotate now").click()
    page.locator("#new-key").wait_for()
    assert axe_violations(page) == []


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/topics/heroin-rehab/",
        "/comparisons/inpatient-vs-outpatient-heroin-rehab/",
    ],
)
def test_reader_pages_have_no_axe_violations_in_the_dark_scheme(api, browser, path):
    context = browser.new_context(
        viewport={"width": 375, "height": 900}, color_scheme="dark", bypass_csp=True
    )
    page = context.new_page()
    page.goto(api + path)

    assert axe_violations(page) == []


@pytest.mark.parametrize("width", WIDTHS)
def test_reader_page_screenshot(api, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{api}/topics/heroin-rehab/")

    assert page.locator("h1").inner_text() == "Heroin rehab"
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/reader-topic-{width}.png")
