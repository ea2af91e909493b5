"""Hub mode: each learner sees only their own — identity is the hub's, never the client's.

Two learners log in through the hub; the second tries every portal and service route of
the first with the first's ids, a forged header, an identity in the body, the first's
hub addresses, and no login at all. Every try is refused or answered with the caller's
own data, and the first learner's files and gradebook rows stay as they were.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import requests
import sqlalchemy as sa

from conftest import FULL
from hub_stack import MODULE, HubStack
from kurskit import layout


def files_of(stack: HubStack, learner: str) -> dict[str, str]:
    found = {}
    for folder in layout.learner_folders(stack.project.grading, learner):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file():
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def gradebook_rows(stack: HubStack, learner: str) -> list[tuple]:
    engine = sa.create_engine(stack.db_url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(sa.text(
                "SELECT s.timestamp, g.auto_score, g.manual_score FROM submitted_assignment s "
                "JOIN submitted_notebook n ON n.assignment_id = s.id "
                "JOIN grade g ON g.notebook_id = n.id WHERE s.student_id = :l "
                "ORDER BY s.timestamp, g.id"), {"l": learner})]
    finally:
        engine.dispose()


def test_a_learner_reaches_only_their_own_drafts_attempts_and_results(hub_stack: HubStack):
    stack = hub_stack
    anna, bert = stack.login("anna"), stack.login("bert")
    anna_token, bert_token = stack.token(anna, "anna"), stack.token(bert, "bert")
    as_anna = {"Authorization": f"token {anna_token}"}
    as_bert = {"Authorization": f"token {bert_token}"}
    page = stack.page_url()

    # anna works: a draft through the portal, a submission through the API with her token
    saved = anna.post(f"{page}/entwurf", json={"felder": [["frist", "1"]]},  # 72 Stunden
                      headers=stack.page_token(anna))
    assert saved.status_code == 200, saved.text
    submitted = anna.post(stack.api(f"/modules/{MODULE}/submissions"),
                          json={"answers": FULL}, headers=as_anna)
    assert submitted.status_code == 201, submitted.text
    result = submitted.json()
    assert (result["learner"], result["score"]) == ("anna", 4.0)
    anna_files, anna_rows = files_of(stack, "anna"), gradebook_rows(stack, "anna")
    bert_rows = gradebook_rows(stack, "bert")
    assert anna_rows and any(Path(f).name == "result.json" for f in anna_files)

    # bert, with anna's ids, a forged header, anna's name in a body
    forged = {**as_bert, "X-Kurskit-Learner": "anna"}
    bert_draft = bert.get(stack.api(f"/modules/{MODULE}/draft"), headers=as_bert).json()
    draft = bert.get(stack.api(f"/modules/{MODULE}/draft"), headers=forged)
    assert draft.status_code == 200 and draft.json() == bert_draft
    assert draft.json()["answers"].get("frist") != "72 Stunden"  # anna's draft stays hers
    status = bert.get(stack.api(f"/modules/{MODULE}/submissions/{result['attempt']}"),
                      headers=forged)
    assert status.status_code == 404, status.text  # anna's status URL is not bert's
    in_body = bert.post(stack.api(f"/modules/{MODULE}/submissions"),
                        json={"answers": {}, "learner": "anna"}, headers=forged)
    assert in_body.status_code == 422
    bert_saved = bert.post(f"{page}/entwurf", json={"felder": [["frist", "0"]]},  # 24 Stunden
                           headers={"X-Kurskit-Learner": "anna", **stack.page_token(bert)})
    assert bert_saved.status_code == 200
    own = bert.get(stack.api(f"/modules/{MODULE}/draft"), headers=as_bert).json()
    assert own["answers"] == {"frist": "24 Stunden"}  # the forged header counted for nothing
    # the portal's page is filled with bert's draft, never anna's
    html = bert.get(page, headers={"X-Kurskit-Learner": "anna"}).text
    assert re.findall(r'checked><label[^>]*>([^<]+)<', html) == ["24 Stunden"]
    # anna's hub addresses with bert's login
    other = bert.get(f"{stack.url}/hub/api/users/anna", headers=as_bert)
    assert other.status_code in (403, 404) and "anna" not in other.text
    assert bert.post(f"{stack.url}/hub/api/users/anna/tokens", json={},
                     headers=as_bert).status_code in (403, 404)
    # „Meine Kurse“: bert's own state, not anna's
    start = bert.get(f"{stack.url}/services/portal/").text
    row = start.split("Kurzes Beispielmodul</a></th>")[1].split("</tr>")[0]
    attempts = {name: len(list(layout.attempts_dir(stack.project.grading, name, MODULE)
                               .glob("[0-9]*"))) for name in ("anna", "bert")}
    assert attempts["anna"] != attempts["bert"]
    assert "Angemeldet als <strong>bert</strong>" in start
    assert f"<td>{attempts['bert']}</td>" in row

    assert files_of(stack, "anna") == anna_files
    assert gradebook_rows(stack, "anna") == anna_rows
    assert gradebook_rows(stack, "bert") == bert_rows


def test_without_login_nothing_is_served_and_nothing_written(hub_stack: HubStack):
    stack = hub_stack
    before = files_of(stack, "anna")
    page = requests.get(stack.page_url(), allow_redirects=False,
                        headers={"X-Kurskit-Learner": "anna"})
    assert page.status_code == 302 and "/hub/api/oauth2/authorize" in page.headers["Location"]
    start = requests.get(f"{stack.url}/services/portal/")  # followed: the hub's login page
    assert start.url.startswith(f"{stack.url}/hub/login")
    assert {"username", "password"} <= set(re.findall(r'name="([^"]+)"', start.text))
    call = requests.post(f"{stack.page_url()}/abgeben", json={"felder": []},
                         headers={"X-Kurskit-Learner": "anna"}, allow_redirects=False)
    assert call.status_code == 403
    for headers in ({}, {"X-Kurskit-Learner": "anna"}, {"Authorization": "token falsch"}):
        api = requests.post(stack.api(f"/modules/{MODULE}/submissions"),
                            json={"answers": {}}, headers=headers)
        assert api.status_code == 401, (headers, api.text)
        assert api.json()["message_de"] == "Sie sind nicht angemeldet."
    assert files_of(stack, "anna") == before


def test_a_token_without_the_grading_scope_is_refused(hub_stack: HubStack):
    stack = hub_stack
    bert = stack.login("bert")
    made = bert.post(f"{stack.url}/hub/api/users/bert/tokens",
                     json={"scopes": ["read:users:name!user"], "note": "ohne Bewertung"},
                     headers={"X-XSRFToken": bert.cookies.get("_xsrf", path="/hub/"),
                              "Referer": f"{stack.url}/hub/token"})
    assert made.status_code == 201, made.text
    answer = bert.get(stack.api(f"/modules/{MODULE}/draft"),
                      headers={"Authorization": f"token {made.json()['token']}"})
    assert answer.status_code == 401


def test_a_learner_at_a_trainer_address_is_refused(hub_stack: HubStack):
    stack = hub_stack
    anna = stack.login("anna")
    formgrader = anna.get(f"{stack.url}/services/formgrader/formgrader")
    assert formgrader.status_code == 403
    assert "Manage Assignments" not in formgrader.text
    progress = anna.get(f"{stack.url}/services/portal/handbuch/fortschritt/")
    assert progress.status_code == 403 and "vorbehalten" in progress.text
    start = anna.get(f"{stack.url}/services/portal/").text
    assert "Formgrader" not in start and "Fortschritt" not in start


def test_a_widget_kernel_is_reachable_only_by_the_learner_who_opened_it(hub_stack: HubStack):
    """The Voilà view's kernel holds its learner's token: another learner who learns its id
    reaches neither its websocket nor its queries nor its deletion."""
    stack = hub_stack
    anna, bert = stack.login("anna"), stack.login("bert")
    page = anna.get(stack.voila_url(), timeout=120)
    assert page.status_code == 200, page.text[-2000:]
    kernel = re.search(r'"kernelId": "([0-9a-f-]{36})"', page.text)
    assert kernel, "the Voilà page names no kernel"
    base = f"{stack.url}/services/portal"
    for path in (f"/api/kernels/{kernel.group(1)}/channels", f"/api/kernels/{kernel.group(1)}"):
        assert bert.get(base + path).status_code == 403, path
    assert bert.delete(f"{base}/api/kernels/{kernel.group(1)}",
                       headers=stack.page_token(bert)).status_code == 403
    # anna herself gets through to the websocket handler (which then wants an upgrade)
    assert anna.get(f"{base}/api/kernels/{kernel.group(1)}/channels").status_code not in (
        403, 404)
