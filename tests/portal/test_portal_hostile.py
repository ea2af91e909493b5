"""A hostile web page, client or proxy-less caller against the real portal and service
(issue 13): other sites cannot act for the learner, bodies are bounded before they are
read, broken ids are 404, and identity never comes from a client's header."""

import http.client
import json
import socket
import time
import urllib.error
import urllib.request

import pytest
from test_portal_pages import PageVisit

from conftest import FIXTURES, make_project
from kurskit.release.build import release_all
from portal_server import serve_portal

pytestmark = pytest.mark.nbgrader
LEARNER = "feind-lernende"
MODULE = "beispiel-01-kurz"
FREE_TEXT_MODULE = "beispiel-02-weitere"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    project = make_project(tmp_path_factory.mktemp("feind") / "projekt", FIXTURES / "courses")
    release_all(project)
    return project


@pytest.fixture(scope="module")
def portal(project):
    with serve_portal(project, LEARNER) as running:
        yield running


def draft_file(project, learner=LEARNER, module=MODULE):
    return project.grading / "drafts" / learner / f"{module}.json"


def raw_get(url, host=None):
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8"), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8"), error.headers


def leftovers(project):
    return [p for p in project.grading.rglob(".*") if p.name.startswith((".tmp-", ".incoming-"))]


# --- item 3: DNS rebinding, cross-site requests, framing --------------------------------

def test_a_page_of_another_site_cannot_read_or_write_through_dns_rebinding(portal):
    url = portal.page_url(MODULE)
    status, text, _ = raw_get(url, host=f"boese.example:{url.split(':')[2].split('/')[0]}")
    assert status == 403 and "nicht von der Seite der Lerneinheit" in text
    visit = PageVisit(url)
    status, _ = visit.post(url + "/entwurf", b'{"felder": [["frist", "0"]]}',
                           host="boese.example")
    assert status == 403
    assert not draft_file(portal.project).exists()
    assert raw_get(f"{portal.url}/voila/tree", host="boese.example")[0] == 403
    assert raw_get(f"{portal.service_url}/api/v1/modules", host="boese.example")[0] == 403
    assert raw_get(f"{portal.service_url}/api/v1/modules")[0] == 200


@pytest.mark.parametrize("content_type, body, origin", [
    ("application/json", b'{"felder": [["frist", "0"]]}', None),
    ("application/json", b'{"felder": [["frist", "0"]]}', "http://boese.example"),
    ("application/x-www-form-urlencoded", b"frist=0", None),  # a form of another site
], ids=["script without Origin", "script of another origin", "plain form post"])
def test_state_changing_calls_need_the_pages_token(portal, content_type, body, origin):
    url = portal.page_url(MODULE)
    visit = PageVisit(url)  # even with the learner's cookie, only the page knows the token
    for action in ("/entwurf", "/abgeben", "/pruefen/frist"):
        status, _ = visit.post(url + action, body, content_type, origin, token=False)
        assert status == 403, action
    assert not draft_file(portal.project).exists()
    assert not (portal.project.grading / "attempts" / LEARNER).exists()
    status, _ = visit.post(url + "/entwurf", b'{"felder": [["frist", "0"]]}')
    assert status == 200  # the page itself may
    draft_file(portal.project).unlink()


def test_module_pages_may_not_be_framed_by_other_sites(portal):
    _, _, headers = raw_get(portal.page_url(MODULE))
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]
    _, _, voila = raw_get(f"{portal.url}/voila/tree")
    assert "frame-ancestors 'self'" in voila["Content-Security-Policy"]


# --- item 5: the body limit before buffering --------------------------------------------

def test_an_announced_huge_body_is_refused_before_it_is_sent(portal):
    url = portal.page_url(MODULE) + "/entwurf"
    visit = PageVisit(portal.page_url(MODULE))
    host, port = portal.url.split("//")[1].split(":")
    path = url.split(portal.url, 1)[1]
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        cookie = "; ".join(f"{c.name}={c.value}" for c in visit.jar)
        sock.sendall((f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                      f"Content-Type: application/json\r\nX-XSRFToken: {visit.token}\r\n"
                      f"Cookie: {cookie}\r\nContent-Length: {100 * 1024 * 1024}\r\n\r\n"
                      ).encode())
        sock.sendall(b'{"felder": [["frist", "' + b"0" * 1000)  # and then nothing more
        started = time.monotonic()
        response = http.client.HTTPResponse(sock)
        response.begin()  # a server that buffers first waits here for 100 MB
        assert response.status == 413
        assert time.monotonic() - started < 5
        assert "zu lang" in response.read().decode("utf-8")


def test_a_chunked_body_over_the_limit_is_cut_off(portal):
    url = portal.page_url(MODULE)
    visit = PageVisit(url)

    def chunks():
        yield b'{"felder": [["frist", "'
        for _ in range(400):
            yield b"0" * 1024
        yield b'"]]}'

    request = urllib.request.Request(url + "/entwurf", data=chunks(), method="POST", headers={
        "Content-Type": "application/json", "X-XSRFToken": visit.token,
        "Transfer-Encoding": "chunked"})
    try:
        with visit.opener.open(request, timeout=10) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (urllib.error.URLError, ConnectionError, http.client.HTTPException):
        status = None  # tornado closes the connection: nothing was read beyond the limit
    assert status in (None, 400, 413)
    assert not draft_file(portal.project).exists()


# --- items 1 and 2 at the portal ---------------------------------------------------------

@pytest.mark.parametrize("path", ["/lernen/a%00b.ipynb", "/lernen/" + "x" * 5000 + ".ipynb",
                                  "/lernen/" + "x" * 300 + "/y.ipynb",
                                  "/lernen/a%00b.ipynb/entwurf"])
def test_paths_that_break_the_file_system_are_404(portal, path):
    request = urllib.request.Request(portal.url + path, method="POST" if "entwurf" in path
                                     else "GET", data=b"{}" if "entwurf" in path else None)
    try:
        urllib.request.urlopen(request, timeout=30)
    except urllib.error.HTTPError as error:
        assert error.code in (403, 404)  # a POST without the page's token: 403 first
        assert "Lerneinheit" in error.read().decode("utf-8")
    else:
        pytest.fail("no refusal")


def test_text_that_is_not_unicode_is_refused_and_leaves_nothing(portal):
    url = portal.page_url(FREE_TEXT_MODULE)
    visit = PageVisit(url)
    for action in ("/entwurf", "/abgeben"):
        status, text = visit.post(url + action,
                                  b'{"felder": [["antwortschreiben", "a\\ud800b"]]}')
        assert status == 422, text
        assert "ungültige Zeichen" in json.loads(text)["meldung"]
    # the form post of a browser without JavaScript: a whole German page
    status, text = visit.post(url + "/abgeben", b"antwortschreiben=a%ED%A0%80b%FF",
                              "application/x-www-form-urlencoded")
    assert status == 422 and "ungültige Zeichen" in text and 'lang="de"' in text
    assert not draft_file(portal.project, module=FREE_TEXT_MODULE).exists()
    assert not (portal.project.grading / "attempts" / LEARNER).exists()
    assert leftovers(portal.project) == []


# --- item 13: identity only from the deployment -----------------------------------------

def test_a_clients_learner_header_is_never_passed_on(project):
    """The service trusts the header (behind a proxy); a portal not in header mode must not
    hand a client's copy to it."""
    with serve_portal(project, LEARNER, service_env={"KURSKIT_IDENTITY": "header"}) as running:
        url = running.page_url(MODULE)
        visit = PageVisit(url, {"X-Kurskit-Learner": "opfer"})
        status, _ = visit.post(url + "/entwurf", b'{"felder": [["frist", "0"]]}')
        assert status == 401
        assert not (project.grading / "drafts" / "opfer").exists()
