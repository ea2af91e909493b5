"""The Voilà bundle list: prefetch links for the overview, immutable caching for hashed files
(the browser side: test_elements_browser.py)."""

import pytest

from kurskit.portal import voila_bundle

HASHED = "voila/labextensions/@jupyter-widgets/jupyterlab-manager/static/718.a7a3f80ef4813fab.js"
ENTRY = ("voila/labextensions/@voila-dashboards/widgets-manager8/static/"
         "remoteEntry.be18471aaf567c023b03.js")


@pytest.fixture
def bundle_with_unhashed_names(monkeypatch):
    listed = ("voila/static/8135.voila.js", f"{HASHED}?v=a7a3f80ef4813fab",
              "voila/labextensions/@jupyter-widgets/jupyterlab-manager/static/style.js", ENTRY,
              'voila/static/a"b.js')
    monkeypatch.setattr(voila_bundle, "bundle", lambda: listed)
    voila_bundle.prefetch_links.cache_clear()
    yield listed
    voila_bundle.prefetch_links.cache_clear()


def test_only_extension_files_named_by_their_content_hash_are_immutable(
        bundle_with_unhashed_names):
    assert voila_bundle.immutable_paths("/portal/") == [f"/portal/{HASHED}", f"/portal/{ENTRY}"]


def test_every_listed_file_gets_a_prefetch_link_below_the_base_url(bundle_with_unhashed_names):
    links = voila_bundle.prefetch_links("/portal/")
    assert links.count('<link rel="prefetch" href="/portal/voila/') == 5
    assert f'href="/portal/{HASHED}?v=a7a3f80ef4813fab"' in links
    assert 'a&quot;b.js' in links  # an odd name cannot break out of the attribute


def test_the_shipped_list_holds_the_page_scripts_and_no_comments():
    listed = voila_bundle.bundle()
    assert "voila/static/voila.js" in listed
    assert not [path for path in listed if path.startswith(("#", "/")) or " " in path]
