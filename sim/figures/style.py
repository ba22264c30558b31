"""How every figure looks: sizes for a projector, fonts, the colour of each scenario and of the legal limits,
axes styling, panel grids, the title, legend and note placed around the panels, and saving a figure as PNG.

Figures are built on `matplotlib.figure.Figure` directly, never through pyplot: PNGs are rendered by the Agg canvas
without a display, the matplotlib backend of a notebook that imports this package is left alone, and a figure is
freed as soon as it is dropped.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import cast

import numpy as np
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import Formatter

from ..formatting import local
from ..labels import language, tr_phrases, use_language
from ..results import UNDECIDED

DPI = 150
# Every figure is a 16:9 slide (2,400 × 1,350 pixels at `DPI`), so it fills a projector without scaling down; the
# fonts below are then at least 1/100 of the slide's width, legible from the back of a room.
SLIDE = (16.0, 9.0)
TICK_PT = 12
LABEL_PT = 13
PANEL_TITLE_PT = 14
TITLE_PT = 17
NOTE_PT = 12

# Okabe-Ito: distinguishable with the common colour-vision deficiencies and on a washed-out projector.
SCENARIO_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
WINDOW_COLOUR = "#009E73"
LIMIT_COLOUR = "#B2182B"
# Colours of the flow bands: the OM's decision (route chosen); fall-backs stand out in dark red.
ROUTE_COLOURS = {
    "sepot": "#9E9E9E",
    "strafbeschikking": "#E69F00",
    "supersnelrecht": "#CC79A7",
    "snelrecht_detained": "#009E73",
    "snelrecht_not_detained": "#56B4E9",
    "regular": "#0072B2",
    "transactie": "#F0E442",
    "conditional_sepot": "#BDBDBD",
    UNDECIDED: "#D9D9D9",
}
FALLBACK_COLOUR = LIMIT_COLOUR
# A difference that is better / worse for the chain (the report's table uses the same pair, paler).
BETTER_COLOUR = "#1B7A43"
WORSE_COLOUR = "#B2182B"


def scenario_colour(k: int) -> str:
    """The colour of the k-th scenario (the reference is the first)."""
    return SCENARIO_COLOURS[k % len(SCENARIO_COLOURS)]


def style_axes(ax, xlabel: str = "", ylabel: str = "") -> None:
    ax.tick_params(labelsize=TICK_PT)
    for axis in (ax.xaxis, ax.yaxis):  # an axis' offset or scale ("1e−3") is read like a tick label
        axis.get_offset_text().set_fontsize(TICK_PT)
    if xlabel:
        ax.set_xlabel(xlabel, fontsize=LABEL_PT)
    if ylabel:
        ax.set_ylabel(ylabel, fontsize=LABEL_PT)
    ax.grid(True, color="0.9", lw=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def grid_shape(n: int, max_cols: int = 3) -> tuple[int, int]:
    """(rows, columns) of a grid of `n` panels, at most `max_cols` wide."""
    ncols = min(max(n, 1), max_cols)
    return math.ceil(max(n, 1) / ncols), ncols


def panel_grid(n: int, max_cols: int, **subplots) -> tuple[Figure, np.ndarray, int]:
    """A slide-sized figure with a grid of `n` panels, the unused cells hidden; returns the figure, its axes in
    reading order and the number of columns."""
    nrows, ncols = grid_shape(n, max_cols)
    fig = Figure(figsize=SLIDE, dpi=DPI, layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **subplots).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes, ncols


def label_bottom_row(axes: np.ndarray, n: int, ncols: int) -> None:
    """x tick labels on the lowest panel of each column, also where the cell below it is empty."""
    for ax in axes[n - ncols : n]:
        ax.tick_params(axis="x", labelbottom=True)


def no_cases(ax) -> None:
    ax.text(
        0.5, 0.5, "no cases", transform=ax.transAxes, ha="center", va="center", fontsize=PANEL_TITLE_PT, color="0.45"
    )


def finish(fig: Figure, title: str, note: str, legend: Sequence | None = None, legend_cols: int = 4) -> None:
    """Title on top; at the bottom a figure legend (`legend`: handles) and under it the note (cohort, sources) in
    small print. Both are placed by hand and the panels are laid out above them, so nothing overlaps. The figure's
    texts are then put in the current language (`translate_figure`); title and note first, before they are wrapped."""
    title, note = tr_phrases(title), tr_phrases(note)
    done = [fig.suptitle(_wrap_title(title, fig.get_figwidth()), fontsize=TITLE_PT, fontweight="bold")]
    height_pt = fig.get_figheight() * 72
    bottom = 4.0  # points from the bottom edge
    if note:
        wrapped = textwrap.fill(note, width=int(fig.get_figwidth() * 72 / (0.55 * NOTE_PT)))
        done.append(fig.text(0.01, bottom / height_pt, wrapped, ha="left", va="bottom", fontsize=NOTE_PT, color="0.25"))
        bottom += (wrapped.count("\n") + 1) * 1.25 * NOTE_PT + 6
    if legend:
        cols = max(1, min(legend_cols, len(legend)))
        fig.legend(
            handles=list(legend),
            loc="lower center",
            bbox_to_anchor=(0.5, bottom / height_pt),
            ncols=cols,
            fontsize=TICK_PT,
            frameon=False,
            borderaxespad=0.2,
        )
        bottom += math.ceil(len(legend) / cols) * 1.55 * TICK_PT + 6
    cast(ConstrainedLayoutEngine, fig.get_layout_engine()).set(rect=(0, bottom / height_pt, 1, 1 - bottom / height_pt))
    translate_figure(fig, skip=done)
    fit_panel_titles(fig)


def panel_titles(ax) -> list:
    """The title texts of a panel that have text (centre, left, right)."""
    return [t for t in (ax.title, ax._left_title, ax._right_title) if t.get_text()]  # private: matplotlib's own


def fit_panel_titles(fig: Figure) -> None:
    """Break a panel title line that is wider than its panel (in the current language: Dutch runs longer) at the
    space nearest its middle. A cheap look first, at the panels' widths before the layout (at most what the
    layout gives them); only if a title may not fit, one layout pass to measure it against its panel."""
    renderer = fig._get_renderer()  # type: ignore[attr-defined]  # measures text without drawing

    def too_wide(room_of) -> list:
        return [
            (t, room_of(ax))
            for ax in fig.axes
            if ax.get_visible()
            for t in panel_titles(ax)
            if t.get_window_extent(renderer).width > room_of(ax)
        ]

    if not too_wide(lambda ax: ax.get_position().width * fig.bbox.width):
        return
    fig.draw_without_rendering()
    for t, room in too_wide(lambda ax: ax.get_window_extent(renderer).width):
        font = t.get_fontproperties()
        lines = t.get_text().split("\n")
        wide = [renderer.get_text_width_height_descent(line, font, ismath=False)[0] > room for line in lines]
        t.set_text("\n".join(_halve(line) if w else line for line, w in zip(lines, wide)))


def _halve(line: str) -> str:
    """A line broken at the space nearest its middle (as it is if it has no space)."""
    spaces = [i for i, c in enumerate(line) if c == " "]
    if not spaces:
        return line
    cut = min(spaces, key=lambda i: abs(i - len(line) / 2))
    return line[:cut] + "\n" + line[cut + 1 :]


def translate_figure(fig: Figure, skip: Sequence = ()) -> None:
    """Every text of a drawn figure (titles, axis labels, tick labels, legends, notes, annotations) in the current
    language (`sim.labels.tr_phrases`); a no-op in English. Fixed tick labels are kept by their formatter and put
    back at every draw, so the formatter's words are translated too. The texts in `skip` are already translated."""
    if language() == "en":
        return
    from matplotlib.text import Text
    from matplotlib.ticker import FixedFormatter, FixedLocator, FuncFormatter, ScalarFormatter

    # a legend entry of one word is a scenario's name ("reference", "actieplan"): it stays as it is (the words of
    # the label tables are translated where they are looked up)
    done = {id(t) for t in skip}
    legend_texts = {
        id(t) for legend in fig.legends + [ax.get_legend() for ax in fig.axes] if legend for t in legend.texts
    }
    texts = fig.findobj(Text) + [getattr(fig, f"_sup{a}label", None) for a in "xy"]
    for t in dict.fromkeys(t for t in texts if t is not None):
        text = t.get_text()
        if not text or id(t) in done:
            continue
        if id(t) not in legend_texts or any(c.isspace() for c in text.strip()):
            t.set_text(tr_phrases(text))
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            formatter, locator = axis.get_major_formatter(), axis.get_major_locator()
            if type(formatter) is ScalarFormatter:  # matplotlib's own numbers: "2.5" is "2,5" in Dutch
                axis.set_major_formatter(_InLanguage(formatter, language(), swap=True))
            elif isinstance(formatter, FuncFormatter) and not isinstance(locator, FixedLocator):
                # ours (`fmt.whole`, ...): called at draw time, perhaps after the language was left
                axis.set_major_formatter(_InLanguage(formatter, language(), swap=False))
            elif isinstance(formatter, FixedFormatter):
                formatter.seq = [tr_phrases(str(v)) for v in formatter.seq]
            elif isinstance(formatter, FuncFormatter) and isinstance(locator, FixedLocator):
                # `set_ticks(ticks, labels)` keeps its labels in a FuncFormatter (matplotlib >= 3.10)
                words = [formatter(v, i) for i, v in enumerate(locator())]
                translated = [tr_phrases(w) for w in words]
                if translated != words:
                    axis.set_major_formatter(FixedFormatter(translated))


class _InLanguage(Formatter):
    """A tick formatter that writes its numbers in the language the figure was made in, whenever the figure is
    drawn: `swap` for matplotlib's own (English-style) numbers (`fmt.local`), not for ours, which already follow
    the language they are called in."""

    def __init__(self, inner: Formatter, lang: str, swap: bool) -> None:
        self.inner, self.lang, self.swap = inner, lang, swap

    def set_axis(self, axis) -> None:
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def set_locs(self, locs) -> None:
        self.inner.set_locs(locs)

    def __call__(self, x, pos=None) -> str:
        with use_language(self.lang):
            return self._local(self.inner(x, pos))

    def format_ticks(self, values) -> list[str]:
        with use_language(self.lang):
            return [self._local(t) for t in self.inner.format_ticks(values)]

    def get_offset(self) -> str:
        with use_language(self.lang):
            return self._local(self.inner.get_offset())

    def _local(self, text: str) -> str:
        return local(text) if self.swap else text


def _wrap_title(title: str, width_in: float) -> str:
    """A title that fits the figure: long ones break after "what" and before "which scenario(s)"."""
    fits = int(width_in * 72 / (0.62 * TITLE_PT))  # characters of bold text per line, roughly
    if len(title) <= fits or "\n" in title:
        return title
    for sign in ("≤", "≥", "<", ">"):  # a sign stays with its number: no line ends in "≤"
        title = title.replace(f"{sign} ", f"{sign}\u00a0")
    if " — " in title:
        what, which = title.split(" — ", 1)
        return "\n".join(textwrap.fill(part, fits) for part in (what, which))
    return textwrap.fill(title, fits)


def line_width(k: int, n: int, base: float) -> float:
    """The reference scenario (first) is drawn thicker, so a scenario on top that does not differ leaves it visible."""
    return base * 1.5 if n > 1 and k == 0 else base


def stack_texts(ax, items: Sequence[tuple[str, str]], boxed: bool = True) -> list:
    """(colour, text) items in the upper left of the axes, each hanging under the previous one; returns the
    annotations, top first."""
    anchor = None
    placed = []
    for colour, text in items:
        style = dict(va="top", ha="left", fontsize=TICK_PT, color=colour, zorder=10)
        if boxed:
            style["bbox"] = dict(boxstyle="round,pad=0.3", fc="white", ec="0.8", alpha=0.92)
        if anchor is None:
            anchor = ax.annotate(text, (0.03, 0.97), xycoords="axes fraction", **style)
        else:
            anchor = ax.annotate(
                text, (0, 0), xycoords=anchor, xytext=(0, -8 if boxed else -2), textcoords="offset points", **style
            )
        placed.append(anchor)
    return placed


def save_png(fig: Figure, target, **savefig) -> None:
    """Render the figure as a PNG on white into `target` (a path or a file object), then drop its artists now
    rather than at garbage collection."""
    fig.savefig(target, dpi=DPI, facecolor="white", **savefig)
    fig.clear()


def legibility(fig: Figure) -> tuple[float, list[tuple[str, str]], list[str]]:
    """(`smallest_font_pt`, `text_overlaps`, `texts_cut_off`) of a figure from one layout pass: what a slide is
    checked for, at a third of the time of the three checks one by one."""
    _laid_out(fig)
    return smallest_font_pt(fig), text_overlaps(fig, layout=False), texts_cut_off(fig, layout=False)


def text_overlaps(fig: Figure, pad_px: float = 0.5, *, layout: bool = True) -> list[tuple[str, str]]:
    """The pairs of visible, non-empty text artists of a drawn figure whose boxes overlap (by more than `pad_px` on
    each side), as their texts: a check that no label is written over another. Texts are measured with the
    figure's own renderer after a layout pass, so the layout engine has placed them (without `layout`: the one of
    a pass just made)."""
    from matplotlib.text import Text

    renderer = _laid_out(fig) if layout else fig._get_renderer()  # type: ignore[attr-defined]
    boxes = []
    for t in _drawn_texts(fig, Text):
        bb = t.get_window_extent(renderer)
        if bb.width <= 0 or bb.height <= 0:
            continue
        boxes.append((t.get_text(), bb.expanded(1.0, 1.0).padded(-pad_px)))
    out = []
    for i in range(len(boxes)):
        for j in range(i + 1, len(boxes)):
            if boxes[i][1].overlaps(boxes[j][1]):
                out.append((boxes[i][0], boxes[j][0]))
    return out


def texts_cut_off(fig: Figure, *, layout: bool = True) -> list[str]:
    """The visible texts of a figure that reach beyond its edges (a label cut off in the PNG); `layout` as in
    `text_overlaps`."""
    from matplotlib.text import Text

    renderer = _laid_out(fig) if layout else fig._get_renderer()  # type: ignore[attr-defined]
    width, height = fig.bbox.width, fig.bbox.height
    out = []
    for t in _drawn_texts(fig, Text):
        bb = t.get_window_extent(renderer)
        if bb.x0 < -0.5 or bb.y0 < -0.5 or bb.x1 > width + 0.5 or bb.y1 > height + 0.5:
            out.append(t.get_text())
    return out


def _laid_out(fig: Figure):
    """The figure laid out as a draw would (constrained layout, tick labels, the texts' places) without painting
    pixels, which is most of a draw's time; returns the renderer that measured it."""
    fig.draw_without_rendering()
    return fig._get_renderer()  # type: ignore[attr-defined]  # private: the renderer draw_without_rendering used


def smallest_font_pt(fig: Figure) -> float:
    """The smallest font size (points) of the figure's visible, non-empty texts."""
    from matplotlib.text import Text

    sizes = [t.get_fontsize() for t in _drawn_texts(fig, Text)]
    return float(min(sizes)) if sizes else math.inf


def _drawn_texts(fig: Figure, text_type) -> list:
    """The text artists a draw puts on the canvas: visible, not empty, in a visible axes, and of the tick labels
    only those of ticks inside the view on a shown axis (matplotlib keeps the others as hidden-in-effect Texts)."""
    ticks: set[int] = set()
    drawn: set[int] = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                ticks.update((id(tick.label1), id(tick.label2)))
            if ax.get_visible() and ax.axison and axis.get_visible():
                for tick in axis._update_ticks():  # type: ignore[union-attr]  # private: the ticks the draw uses
                    drawn.update((id(tick.label1), id(tick.label2)))
    out = []
    for t in fig.findobj(text_type):
        if not t.get_visible() or not t.get_text().strip():
            continue
        if t.axes is not None and not t.axes.get_visible():
            continue
        if id(t) in ticks and id(t) not in drawn:
            continue
        out.append(t)
    return out
