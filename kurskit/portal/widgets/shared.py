"""Layout and style models shared by the widgets of a module page.

Every ipywidget brings its own Layout model and most bring a Style model: on a module page
two thirds of some 330 models, nearly all alike, which each learner's kernel serializes and
Voilà relays when the page asks for the widgets' state. Widgets made with `make` share one
Layout per set of layout settings and one Style per style class, so a page sends about a
third of the models. A shared layout or style is never changed in place: a widget that
changes its layout later (a question's box, hidden when its pool variant is not drawn) is
given another shared one (`widget.layout = shared_layout(display="none")`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, TypeVar

import ipywidgets as widgets

W = TypeVar("W", bound=widgets.DOMWidget)

_layouts: dict[tuple[tuple[str, str], ...], widgets.Layout] = {}
_styles: dict[type, widgets.Widget] = {}
_collecting: list[list[widgets.Widget]] = []


def make(cls: type[W], /, *args: Any,
         layout: dict[str, str] | widgets.Layout | None = None, **kwargs: Any) -> W:
    """`cls(*args, **kwargs)` with the shared layout for `layout` (settings as a dict; a Layout
    instance stays the widget's own) and the shared style of its style class."""
    if not isinstance(layout, widgets.Layout):
        layout = shared_layout(**(layout or {}))
    style = cls.class_traits().get("style")
    if style is not None and "style" not in kwargs:
        klass = style.klass
        kwargs["style"] = _styles.get(klass) or _styles.setdefault(klass, klass())
    widget = cls(*args, layout=layout, **kwargs)
    for made in _collecting:
        made.append(widget)
    return widget


@contextlib.contextmanager
def collected() -> Iterator[list[widgets.Widget]]:
    """The widgets `make` creates inside the block — a pool variant's, which the page
    closes when another draw replaces it (the shared layouts and styles stay)."""
    made: list[widgets.Widget] = []
    _collecting.append(made)
    try:
        yield made
    finally:
        _collecting.remove(made)


def shared_layout(**settings: str) -> widgets.Layout:
    """The page's one Layout with these settings."""
    key = tuple(sorted(settings.items()))
    return _layouts.get(key) or _layouts.setdefault(key, widgets.Layout(**settings))
