"""Hub mode end to end in real Chromium: two learners log in through the hub's login page,
each takes a module and sees their own score and „Meine Kurse“ (axe-core: no WCAG 2.1 AA
violation); a trainer logs in and sees both submissions in formgrader; a learner cannot
open formgrader."""

from __future__ import annotations

import learner_actions
from conftest import axe_violations
from hub_stack import MODULE, PASSWORDS, HubStack
from kurskit.authoring.catalog import load_catalog


def logged_in(chromium, stack: HubStack, name: str):
    page = chromium.new_context(locale="de-DE").new_page()
    page.goto(f"{stack.url}/services/portal/")
    assert "/hub/login" in page.url  # anonymous: the hub's login page
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORDS[name])
    page.locator("#login_submit").click()
    page.get_by_role("heading", name="Meine Kurse").wait_for(timeout=30_000)
    return page


def take_module(page, stack: HubStack, wrong: int) -> str:
    """Answer every question of the module (the first `wrong` wrongly), press „Abgeben“."""
    module = load_catalog(stack.project.courses).module(MODULE)
    assert module is not None
    page.get_by_role("link", name=module.title).click()
    page.get_by_role("button", name="Abgeben").wait_for(timeout=30_000)
    questions = page.locator(".kk-frage")
    for index, exercise in enumerate(module.notebook.exercises):
        learner_actions.answer(questions.nth(index), exercise, right=index >= wrong)
    page.get_by_role("button", name="Abgeben").click()
    result = page.locator(".kurskit-result")
    result.wait_for(timeout=60_000)
    return result.inner_text()


def test_two_learners_and_a_trainer_through_the_hub(chromium, hub_stack: HubStack):
    stack = hub_stack
    anna, bert = logged_in(chromium, stack, "anna"), logged_in(chromium, stack, "bert")
    assert axe_violations(anna) == []  # „Meine Kurse“

    assert "Ihr Ergebnis: 4 von 4 Punkten" in take_module(anna, stack, wrong=0)
    assert "Ihr Ergebnis: 3 von 4 Punkten" in take_module(bert, stack, wrong=1)

    anna.goto(f"{stack.url}/services/portal/")
    row = anna.get_by_role("row").filter(has_text="Kurzes Beispielmodul")
    assert "bestanden" in row.inner_text() and "4 von 4" in row.inner_text()
    assert axe_violations(anna) == []
    bert.goto(f"{stack.url}/services/portal/")
    assert "3 von 4" in bert.get_by_role("row").filter(
        has_text="Kurzes Beispielmodul").inner_text()

    # a learner at formgrader: refused by the hub
    refused = anna.goto(f"{stack.url}/services/formgrader/formgrader")
    assert refused is not None and refused.status == 403

    tina = logged_in(chromium, stack, "tina")
    with tina.context.expect_page() as opened:
        tina.get_by_role("link", name="Formgrader").click(modifiers=["Shift"])
    formgrader = opened.value  # its own tab: JupyterHub forbids formgrader in a frame
    formgrader.goto(f"{stack.url}/services/formgrader/formgrader/manage_submissions/{MODULE}")
    formgrader.get_by_text("anna", exact=True).wait_for(timeout=60_000)
    formgrader.get_by_text("bert", exact=True).wait_for(timeout=60_000)
