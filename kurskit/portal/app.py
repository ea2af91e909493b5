"""The learner portal server: Voilà, the module pages, and bounds for Voilà's kernels.

`PortalApp` is Voilà's own application. It adds the module pages (`/lernen/…`, see
`kurskit.portal.pages`), the default way a module opens: plain HTML, no kernel. For the
Voilà widget view (`module_view = "voila"`) it bounds what Voilà leaves open. Voilà
starts one kernel per open module page with no upper bound (voila issue #617), so a page
is refused with a German "portal full" page (HTTP 503, `503.html` of the kurskit
template) once `max_sessions` learner kernels run. Preheated pool kernels do not count: they are
bounded by the pool sizes. Idle culling is jupyter_server's (`MappingKernelManager.
cull_idle_timeout`), which Voilà's pool manager already keeps away from pooled kernels.

Run as `python -m kurskit.portal.app <portal dir> [Voilà options]`.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jupyter_core.utils import ensure_async
from tornado.ioloop import PeriodicCallback
from tornado.web import HTTPError
from traitlets import Bool, Dict, Enum, Int, Unicode
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from kurskit import deployment
from kurskit.portal import (
    certificate_pages,
    garbage,
    hub_gate,
    open_files,
    pages,
    start_page,
    voila_bundle,
)

# module pages show widgets only; every other lab extension is JavaScript each page parses
# any request body, for every route (tornado reads up to 100 MB by default); the module
# pages' calls stream theirs and stop at pages.BODY_LIMIT
MAX_BODY = 1024 * 1024
WIDGET_EXTENSIONS = ["@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8"]


class SessionCount:
    """Which kernels serve a learner: started for a page, or taken from a pool by one.

    Voilà's pool manager starts its pool kernels through its own base class and has no
    public record of which kernels it handed out, so the two calls a page makes on the
    kernel manager are wrapped on this one instance.
    """

    def __init__(self, kernel_manager: Any) -> None:
        self.kernel_manager = kernel_manager
        self.learner_kernels: set[str] = set()
        start_kernel = kernel_manager.start_kernel
        take_from_pool = getattr(kernel_manager, "get_rendered_notebook", None)

        async def started_for_a_page(*args: Any, **kwargs: Any) -> str:
            kernel_id = await ensure_async(start_kernel(*args, **kwargs))
            self.learner_kernels.add(kernel_id)
            return kernel_id

        async def taken_by_a_page(*args: Any, **kwargs: Any) -> Any:
            rendered = await take_from_pool(*args, **kwargs)  # type: ignore[misc]
            self.learner_kernels.add(rendered[2])  # (render task, cache, kernel id)
            return rendered

        kernel_manager.start_kernel = started_for_a_page
        if take_from_pool is not None:
            kernel_manager.get_rendered_notebook = taken_by_a_page

    def __len__(self) -> int:
        self.learner_kernels &= set(self.kernel_manager.list_kernel_ids())  # forget the gone
        return len(self.learner_kernels)


class CappedVoilaHandler(TornadoVoilaHandler):
    """Voilà's module page, refused politely when the portal is full."""

    async def get(self, path: str | None = None) -> None:
        limit = self.settings["kurskit_max_sessions"]
        if limit > 0 and len(self.settings["kurskit_sessions"]) >= limit:
            raise HTTPError(503, reason="Portal full")
        user = hub_gate.hub_user(self)  # hub mode: the kernel this page starts is theirs
        opener = hub_gate.OPENER.set(user.name if user is not None else None)
        try:
            await super().get(path=path)
        finally:
            hub_gate.OPENER.reset(opener)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        if status_code == 503:
            self.set_header("Retry-After", "120")
        super().write_error(status_code, **kwargs)


class PortalApp(Voila):
    """Voilà for the kurskit portal (see the module docstring)."""

    name = "kurskit-portal"
    max_sessions = Int(60, config=True,
                       help="Module pages (learner kernels) served at once; 0 = no limit.")
    module_view = Enum(["auto", "page", "voila"], "auto", config=True,
                       help="How the overview opens a module: 'auto' (the view `kurskit "
                            "build` chose: Voilà for modules with interactive elements), or "
                            "for every module 'page' (HTML form, no kernel, "
                            "kurskit.portal.lesson_page) or 'voila' (the notebook app).")
    pool_size = Int(0, config=True, help="Preheated kernels kept ready per module (Voilà view).")
    pools = Dict(key_trait=None, value_trait=Int(), config=True,
                 help="Pool size per notebook path below the portal root (overrides "
                      "pool_size), e.g. for a module a whole office takes at once.")
    hub = Bool(False, config=True,
               help="Run as a JupyterHub service: every address only for a hub user "
                    "(kurskit.portal.hub_gate); `kurskit start --hub` sets it.")
    handbook_dir = Unicode("", config=True,
                           help="The built handbook, served below handbuch/ (hub mode).")

    def initialize(self, argv: list[str] | None = None) -> None:
        super().initialize(argv)
        # hub mode: each widget kernel gets its learner's token before it starts, which
        # Voilà cannot combine with preheated kernels
        preheat = not self.hub and (self.pool_size > 0
                                    or any(size > 0 for size in self.pools.values()))
        if self.hub:
            self.voila_configuration.prelaunch_hook = hub_gate.kernel_token
            self.voila_configuration.multi_kernel_manager_class = hub_gate.OwnedKernelManager
        self.voila_configuration.preheat_kernel = preheat
        self.voila_configuration.default_pool_size = self.pool_size
        configured = self.voila_configuration
        if not configured.extension_allowlist and not configured.extension_denylist:
            configured.extension_allowlist = list(WIDGET_EXTENSIONS)
        if preheat:
            # read by Voilà's pool manager, created later in init_settings
            self.config.VoilaKernelManager.kernel_pools_config = {
                "default": {"pool_size": self.pool_size},
                **{notebook: {"pool_size": size} for notebook, size in self.pools.items()}}

    def init_settings(self) -> dict:
        settings = super().init_settings()
        # the kernel manager's zmq context opens its first socket once the loop runs
        sockets = open_files.raise_limits(self.kernel_manager.context)
        self.log.info("room for %d zmq sockets (kernel connections)", sockets)
        settings["kurskit_max_sessions"] = self.max_sessions
        settings["kurskit_sessions"] = SessionCount(self.kernel_manager)
        settings["kurskit_module_view"] = self.module_view
        # only the deployment's host names (DNS rebinding): jupyter_server's own host check
        # for Voilà's handlers, the same list for the module pages
        hosts = deployment.allowed_hosts()
        settings["kurskit_allowed_hosts"] = hosts
        settings["allow_remote_access"] = False
        settings["local_hostnames"] = list(hosts)
        # the widget extensions' hashed files: cached for good, not asked for again
        settings["static_immutable_cache"] = voila_bundle.immutable_paths(self.base_url)
        root, forced = Path(self.root_dir), self.module_view
        for env in {id(e): e for e in (settings.get("jinja2_env"),
                                       settings.get("voila_jinja2_env")) if e}.values():
            # the overview marks modules that open in Voilà („interaktiv“)
            env.globals["kurskit_view"] = lambda path: pages.view_of(root, path, forced)
            env.globals["kurskit_prefetch"] = lambda: voila_bundle.prefetch_links(self.base_url)
        if self.hub:
            settings["kurskit_hub"] = hub_gate.HubGate()
            settings.setdefault("cookie_secret", os.urandom(32))  # OAuth state and cookie
        return settings

    def listen(self) -> None:
        listen = self.app.listen

        def bounded(port: int, address: str = "", **kwargs: Any) -> Any:
            return listen(port, address, max_body_size=MAX_BODY, **kwargs)

        self.app.listen = bounded
        collector = garbage.QuietCollector(self.kernels_idle_for)
        PeriodicCallback(collector.tick, collector.TICK * 1000).start()
        super().listen()

    def kernels_idle_for(self) -> float:
        """Seconds since any kernel sent a message (jupyter_server records it for culling)."""
        last = getattr(self.kernel_manager, "last_kernel_activity", None)
        return float("inf") if last is None else (datetime.now(UTC) - last).total_seconds()

    def init_handlers(self) -> list:
        voila = [(handler[0], CappedVoilaHandler, *handler[2:])
                 if handler[1] is TornadoVoilaHandler else handler
                 for handler in super().init_handlers()]
        module_pages = pages.handlers(Path(self.root_dir), self.server_url, self.base_url)
        verify, download = certificate_pages.handlers(
            self.server_url, {"root": Path(self.root_dir), "base_url": self.base_url})
        route = self.server_url.rstrip("/")
        if not self.hub:  # before Voilà's catch-all
            mine = (f"{route}/{start_page.MY_COURSES}", start_page.StartPageHandler,
                    {"root": Path(self.root_dir), "base_url": self.base_url})
            return [*module_pages, verify, download, mine, *voila]
        own = [*module_pages, download, *start_page.handlers(
            route, self.base_url, Path(self.root_dir), Path(self.handbook_dir))]
        # the verification page is public: whoever holds a code may check it, no login
        return [(f"{route}/oauth_callback", hub_gate.callback_handler()), verify,
                *[(h[0], hub_gate.guarded(h[1]), *h[2:]) for h in [*own, *voila]]]


main = PortalApp.launch_instance

if __name__ == "__main__":
    main()
