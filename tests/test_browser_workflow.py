"""The editorial workflow in Chromium, one role after another, as they work.

An Editor changes a live FAQ through a revision, a Medical reviewer reads
the preview and approves it, a Publisher publishes it, and the API then
serves the new words credited to that reviewer. With REHABINFO_SCREENSHOTS
set, it saves the screenshots in docs/.
"""

import pytest
from django.conf import settings

from content.models import FAQ, Reviewer
from content.seeding import load_seed
from tests.conftest import member, render_every_document
from tests.test_browser import PUBLISHER_PASSWORD, SCREENSHOTS, browser, give_password

__all__ = ["browser"]  # the Chromium fixture, shared with the widget tests
NEW_ANSWER = "Most programmes last 30 to 90 days; longer stays help many people."


# Set up before ``browser``: a query made while Playwright runs would hold a
# connection that nothing closes.
@pytest.fixture
def team(live_server, transactional_db, monkeypatch, django_user_model):
    load_seed()  # with each item's baseline version, as ``make run`` loads it
    render_every_document()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    member(django_user_model, "erin", "Editors", PUBLISHER_PASSWORD)
    dana = member(django_user_model, "dana", "Medical reviewers", PUBLISHER_PASSWORD)
    member(django_user_model, "pat", "Publishers", PUBLISHER_PASSWORD)
    Reviewer.objects.create(name="Dana Reyes", credentials="MD, FASAM", user=dana)
    faq = FAQ.objects.published().order_by("pk").first()
    return {"url": live_server.url, "faq": faq}


def signed_in(browser, url: str, username: str, width: int = 1280):
    context = browser.new_context(viewport={"width": width, "height": 1000})
    page = context.new_page()
    page.goto(f"{url}/{settings.ADMIN_PATH}")
    give_password(page, username)
    return page


def messages(page) -> str:
    return page.locator("ul.messagelist").inner_text()


def test_a_change_to_live_content_goes_through_review_to_the_api(team, browser):
    url, faq = team["url"], team["faq"]
    admin = f"{url}/{settings.ADMIN_PATH}content/faq"

    editor = signed_in(browser, url, "erin")
    editor.goto(f"{admin}/{faq.pk}/change/")
    assert "nobody edits live content" in editor.content()
    editor.click("text=Start a revision")
    editor.wait_for_selector("text=Revision of the live")
    editor.fill("#id_answer", NEW_ANSWER)
    editor.select_option("#id_status", "in_review")
    editor.fill("#id_change_reason", "Say how long programmes last")
    editor.click("input[name=_save]")
    assert "was changed successfully" in messages(editor)

    reviewer = signed_in(browser, url, "dana")
    assert "Waiting for your medical review" in reviewer.content()
    if SCREENSHOTS:
        reviewer.locator("#editorial-queue").screenshot(
            path=f"{SCREENSHOTS}/admin-queue.png"
        )
    reviewer.click(f"#editorial-queue a:text('{faq.question}')")
    reviewer.click("text=Preview and review")
    assert NEW_ANSWER in reviewer.inner_text(".reader-page")
    assert "**" not in reviewer.inner_text(".reader-page")
    if SCREENSHOTS:
        reviewer.screenshot(path=f"{SCREENSHOTS}/admin-preview.png", full_page=True)
    reviewer.click("button[value=approve]")
    assert "Recorded your approval" in messages(reviewer)

    publisher = signed_in(browser, url, "pat")
    assert "Approved, waiting to be published" in publisher.content()
    publisher.click(f"#editorial-queue a:text('{faq.question}')")
    publisher.click("text=Preview and review")
    publisher.click("form[action$='/publish/'] button")
    assert "Published" in messages(publisher)

    api = publisher.context.new_page()
    api.goto(f"{url}/api/v1/faqs/{faq.pk}/")
    served = api.inner_text("body")
    assert NEW_ANSWER in served and "Dana Reyes" in served

    publisher.goto(f"{admin}/{faq.pk}/history/")
    publisher.click("input[value='Show the differences']")
    assert publisher.locator("ins").count() > 0
    if SCREENSHOTS:
        publisher.screenshot(
            path=f"{SCREENSHOTS}/admin-history-diff.png", full_page=True
        )
