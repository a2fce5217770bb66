"""Automatic layout check of a drawn figure: legends on data, text off the canvas, text on text.

A figure reads wrong when its legend hides the points it explains, when a label runs off the
page, or when two labels print over one another. All three can be seen from the window
extents matplotlib computes when it draws a figure, so they are checked here rather than by
eye; :func:`conflictstats.repro.save_figure` runs :func:`check_layout` on every figure it
writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["LayoutProblem", "check_layout", "describe_artist"]

# How far (points) two boxes must overlap, or a text stick out of the canvas, before it counts:
# anti-aliasing and font metrics make a fraction of a pixel noise.
_TOLERANCE = 0.75
# A text closer than this (points) to the edge of the canvas touches it.
_MARGIN = 1.5
_MAX_TEXT = 40


@dataclass(frozen=True)
class LayoutProblem:
    """One layout defect of a drawn figure.

    Attributes
    ----------
    kind : str
        ``"legend-on-data"``, ``"legend-on-text"``, ``"text-off-canvas"`` or
        ``"text-overlap"``.
    message : str
        A sentence naming the artists involved and where they are.
    artists : tuple
        The matplotlib artists involved (the legend or text first).
    """

    kind: str
    message: str
    artists: tuple = ()

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def _axes_name(ax: Any) -> str:
    if ax is None:
        return "the figure"
    title = next(
        (t.get_text() for t in (ax.title, ax._left_title, ax._right_title) if t.get_text()), ""
    )
    if not title and ax.get_ylabel():
        title = ax.get_ylabel()
    return f"axes {_short(title)!r}" if title else "an untitled axes"


def describe_artist(artist: Any) -> str:
    """A short human name for an artist: its kind, its text or label, and its axes."""
    from matplotlib.legend import Legend
    from matplotlib.text import Text

    where = _axes_name(getattr(artist, "axes", None))
    if isinstance(artist, Legend):
        entries = [t.get_text() for t in artist.get_texts()]
        shown = ", ".join(repr(_short(e)) for e in entries[:3]) + (
            ", …" if len(entries) > 3 else ""
        )
        return f"legend [{shown}] of {where}"
    if isinstance(artist, Text):
        return f"text {_short(artist.get_text())!r} ({where})"
    label = artist.get_label() if hasattr(artist, "get_label") else ""
    kind = type(artist).__name__
    if label and not str(label).startswith("_"):
        return f"{kind} {_short(str(label))!r} of {where}"
    return f"unlabelled {kind} of {where}"


# --------------------------------------------------------------------------------------------
# Collecting what was drawn
# --------------------------------------------------------------------------------------------


def _visible(artist: Any) -> bool:
    return bool(artist.get_visible())


def _drawn_ticks(axis: Any) -> list:
    """The ticks an Axis draws (those inside the view limits), as drawing selects them."""
    update = getattr(axis, "_update_ticks", None)
    if update is not None:
        return list(update())
    return list(axis.get_major_ticks()) + list(axis.get_minor_ticks())  # pragma: no cover


def _texts(artist: Any) -> Iterator[tuple[Any, Any]]:
    """Every visible, non-empty Text under ``artist`` with the Legend holding it (or None)."""
    from matplotlib.axis import Axis
    from matplotlib.legend import Legend
    from matplotlib.text import Text

    stack: list[tuple[Any, Any]] = [(artist, None)]
    while stack:
        node, legend = stack.pop()
        if not _visible(node):
            continue
        if isinstance(node, Legend):
            legend = node
        if isinstance(node, Text):
            if node.get_text().strip():
                yield node, legend
            continue  # an Annotation's arrow is not text
        if isinstance(node, Axis):
            for tick in _drawn_ticks(node):
                for label in (tick.label1, tick.label2):
                    if label.get_visible() and label.get_text().strip():
                        yield label, None
            for child in (node.label, node.offsetText):
                stack.append((child, None))
            continue
        stack.extend((child, legend) for child in node.get_children())


def _legends(fig: Any) -> list:
    out = [lg for lg in fig.legends if _visible(lg)]
    for ax in fig.axes:
        lg = ax.get_legend()
        if lg is not None and _visible(lg) and ax.get_visible():
            out.append(lg)
    return out


def _data_artists(fig: Any) -> list:
    """Lines, collections, patches and images plotted in every visible Axes of the figure."""
    out = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        for artist in (*ax.lines, *ax.collections, *ax.patches, *ax.images):
            if _visible(artist):
                out.append(artist)
    return out


# --------------------------------------------------------------------------------------------
# Geometry in display coordinates
# --------------------------------------------------------------------------------------------


def _shrink(bbox: Any, by: float) -> Any:
    from matplotlib.transforms import Bbox

    x0, y0, x1, y1 = bbox.extents
    return Bbox([[x0 + by, y0 + by], [x1 - by, y1 - by]])


def _overlap(a: Any, b: Any, tol: float) -> bool:
    """True when boxes ``a`` and ``b`` share more than ``tol`` pixels in both directions."""
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w > tol and h > tol


def _region(box: Any, artist: Any) -> Any:
    """``box`` cut to the part where ``artist`` can show (its clip box), or None if empty."""
    from matplotlib.transforms import Bbox

    clip = artist.get_clip_box() if artist.get_clip_on() else None
    if clip is None:
        return box
    inter = Bbox.intersection(box, clip)
    if inter is None or inter.width <= 0 or inter.height <= 0:
        return None
    return inter


def _points_in(points: Any, box: Any, pad: Any) -> bool:
    if len(points) == 0:
        return False
    pts = np.asarray(points, dtype=float)
    pad = np.broadcast_to(np.asarray(pad, dtype=float), (len(pts),))
    ok = np.isfinite(pts).all(axis=1)
    x, y, pad = pts[ok, 0], pts[ok, 1], pad[ok]
    inside = (x + pad > box.x0) & (x - pad < box.x1) & (y + pad > box.y0) & (y - pad < box.y1)
    return bool(inside.any())


def _path_hits(path: Any, box: Any, filled: bool) -> bool:
    if len(path.vertices) == 0:
        return False
    if not np.isfinite(path.vertices).all():
        # cut NaN gaps out as separate polylines
        from matplotlib.path import Path

        verts = path.vertices
        good = np.isfinite(verts).all(axis=1)
        edges = np.flatnonzero(np.diff(np.r_[0, good.astype(int), 0]))
        return any(
            _path_hits(Path(verts[a:b]), box, filled=False) for a, b in zip(edges[::2], edges[1::2])
        )
    return bool(path.intersects_bbox(box, filled=filled))


def _line_hits(line: Any, box: Any, dpi: float) -> bool:
    path = line.get_transform().transform_path(line.get_path())
    if line.get_linestyle() not in ("None", "none", "", " ") and line.get_linewidth() > 0:
        if len(path.vertices) > 1 and _path_hits(path, box, filled=False):
            return True
    marker = line.get_marker()
    if marker not in (None, "None", "none", "", " "):
        radius = line.get_markersize() * dpi / 72.0 / 2.0
        return _points_in(path.vertices, box, radius)
    return False


def _collection_hits(coll: Any, box: Any, dpi: float) -> bool:
    from matplotlib.collections import PathCollection

    if isinstance(coll, PathCollection):
        # markers (a scatter): each offset carries a marker whose area is get_sizes() in pt^2
        offsets = np.asarray(coll.get_offsets(), dtype=float)
        points = coll.get_offset_transform().transform(offsets)
        sizes = np.asarray(coll.get_sizes(), dtype=float)
        radius = np.sqrt(sizes if sizes.size else np.array([36.0])) * dpi / 72.0 / 2.0
        if radius.size not in (1, len(points)):
            radius = np.full(len(points), radius.max())
        return _points_in(points, box, radius)
    paths = coll.get_paths()
    transform = coll.get_transform()
    filled = len(np.atleast_2d(coll.get_facecolor())) > 0 and bool(
        np.atleast_2d(coll.get_facecolor())[:, 3].max() > 0
    )
    return any(_path_hits(transform.transform_path(p), box, filled=filled) for p in paths)


def _patch_hits(patch: Any, box: Any) -> bool:
    path = patch.get_transform().transform_path(patch.get_path())
    filled = patch.get_fill() and patch.get_facecolor()[3] > 0
    return _path_hits(path, box, filled=bool(filled))


def _hits(artist: Any, box: Any, dpi: float) -> bool:
    """Whether ``artist`` draws anything inside the display box ``box``."""
    from matplotlib.collections import Collection
    from matplotlib.image import AxesImage
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    region = _region(box, artist)
    if region is None:
        return False
    if isinstance(artist, Line2D):
        return _line_hits(artist, region, dpi)
    if isinstance(artist, Collection):
        return _collection_hits(artist, region, dpi)
    if isinstance(artist, Patch):
        return _patch_hits(artist, region)
    if isinstance(artist, AxesImage):
        return _overlap(artist.get_window_extent(), region, 0.0)
    return False  # pragma: no cover - other artists are not data


# --------------------------------------------------------------------------------------------
# The check
# --------------------------------------------------------------------------------------------


def _renderer(fig: Any) -> Any:
    fig.draw_without_rendering()
    get = getattr(fig.canvas, "get_renderer", None)
    if get is not None:
        return get()
    return fig._get_renderer()  # pragma: no cover - canvases without get_renderer


def check_layout(
    fig: Any, *, dpi: float | None = None, tolerance: float = _TOLERANCE, margin: float = _MARGIN
) -> list[LayoutProblem]:
    """Draw ``fig`` and list its layout problems (an empty list when it reads cleanly).

    Three kinds of problem are found from the window extents of the drawn artists:

    - ``legend-on-data``: a legend's box covers a plotted point, line, band or bar of any
      Axes of the figure (twin axes included); ``legend-on-text``: it covers a text that is
      not its own (an annotation, a tick label);
    - ``text-off-canvas``: a text (title, axis or tick label, annotation, legend entry) lies
      partly outside the figure, or touches its edge (closer than ``margin``);
    - ``text-overlap``: two texts print over one another.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure; it is drawn (without rendering) first, so that a constrained layout is
        applied.
    dpi : float, optional
        Resolution to draw at (default: the figure's). Pass the resolution the figure is
        saved at: a legend placed with ``loc="best"`` can land elsewhere at another dpi.
    tolerance : float
        Overlap, in points, below which boxes count as apart (rounding in font metrics).
    margin : float
        Distance, in points, that every text keeps from the edge of the canvas.

    Returns
    -------
    list of LayoutProblem
        One per problem found, each naming the artists involved.

    Notes
    -----
    Text extents are the boxes of the glyphs (``Text.get_window_extent``); a legend's extent
    is its frame, drawn or not. Data artists are tested by their geometry, not their bounding
    box: a line is on the legend only if one of its segments crosses the legend's box, a
    filled band or bar if it covers any of it, markers if a marker reaches it. Only the part
    of the legend inside an artist's clip box counts, so a legend below the axes never
    covers clipped data. Tick labels are those the axis draws (inside the view limits).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> from conflictstats.plots import check_layout
    >>> fig, ax = plt.subplots()
    >>> _ = ax.plot(range(10), range(10), "o-", label="points")
    >>> _ = ax.legend(loc="center")
    >>> [p.kind for p in check_layout(fig)]
    ['legend-on-data']
    >>> _ = ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12))
    >>> [p.kind for p in check_layout(fig)]  # below the axes, but off the page
    ['text-off-canvas']
    >>> fig.set_layout_engine("constrained")  # which makes room for it
    >>> check_layout(fig)
    []
    >>> plt.close(fig)
    """
    if dpi is None or dpi == fig.dpi:
        return _check(fig, tolerance, margin)
    saved = fig.dpi
    try:
        fig.dpi = dpi
        return _check(fig, tolerance, margin)
    finally:
        fig.dpi = saved


def _check(fig: Any, tolerance_pt: float, margin_pt: float) -> list[LayoutProblem]:
    renderer = _renderer(fig)
    dpi = fig.dpi
    tolerance = tolerance_pt * dpi / 72.0
    problems: list[LayoutProblem] = []

    texts = list(_texts(fig))
    canvas = _shrink(fig.bbox, margin_pt * dpi / 72.0)
    boxes = []
    for text, legend in texts:
        box = text.get_window_extent(renderer)
        if box.width <= 0 or box.height <= 0 or not np.isfinite(box.extents).all():
            continue
        boxes.append((text, legend, box))
        if not (
            box.x0 >= canvas.x0
            and box.y0 >= canvas.y0
            and box.x1 <= canvas.x1
            and box.y1 <= canvas.y1
        ):
            problems.append(
                LayoutProblem(
                    "text-off-canvas",
                    f"{describe_artist(text)} runs outside the figure or touches its edge "
                    f"(text box {_fmt(box)}, figure {_fmt(fig.bbox)})",
                    (text,),
                )
            )

    for i, (a, _, box_a) in enumerate(boxes):
        for b, _, box_b in boxes[i + 1 :]:
            if _overlap(box_a, box_b, tolerance):
                problems.append(
                    LayoutProblem(
                        "text-overlap",
                        f"{describe_artist(a)} overlaps {describe_artist(b)}",
                        (a, b),
                    )
                )

    data = _data_artists(fig)
    for legend in _legends(fig):
        frame = legend.get_window_extent(renderer)
        inner = _shrink(frame, tolerance)
        if inner.width <= 0 or inner.height <= 0:
            continue
        for artist in data:
            if _hits(artist, inner, dpi):
                problems.append(
                    LayoutProblem(
                        "legend-on-data",
                        f"{describe_artist(legend)} covers {describe_artist(artist)}",
                        (legend, artist),
                    )
                )
        for text, owner, box in boxes:
            if owner is legend:
                continue
            if _overlap(frame, box, tolerance):
                problems.append(
                    LayoutProblem(
                        "legend-on-text",
                        f"{describe_artist(legend)} covers {describe_artist(text)}",
                        (legend, text),
                    )
                )
    return problems


def _fmt(box: Any) -> str:
    return f"x {box.x0:.0f} to {box.x1:.0f}, y {box.y0:.0f} to {box.y1:.0f} px"
