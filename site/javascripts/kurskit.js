// A table wider than the screen scrolls sideways in the wrapper mkdocs-material puts around
// it. Keyboard users must reach that scrolling too (WCAG 2.1.1; axe-core:
// scrollable-region-focusable): a wrapper that scrolls becomes a named, focusable region,
// one that fits the screen stays out of the tab order.
(function () {
  function markScrollingTables() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      if (wrap.scrollWidth > wrap.clientWidth) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", "Tabelle, seitlich verschiebbar");
      } else {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  new MutationObserver(markScrollingTables).observe(document.documentElement,
                                                     { childList: true, subtree: true });
  window.addEventListener("resize", markScrollingTables);
  document.addEventListener("DOMContentLoaded", markScrollingTables);
})();
