"""Legends that never cover data: under the axes, below the tick labels and axis title.

Every chart of the package places its legend with ``legend_below``; a test draws each chart and
checks that no legend overlaps its plotting area.
"""

from __future__ import annotations

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.legend import Legend


def _renderer(fig):
    if not hasattr(fig.canvas, "get_renderer"):  # a figure made without pyplot has no drawing canvas yet
        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()


def legend_below(ax: Axes, *, ncol: int = 2, fontsize: float = 8, **kwargs) -> Legend | None:
    """The axes' legend, centred under the x axis (beside the axes for a constrained layout, whose foot holds a
    note); the figure is laid out again to make room for it."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return None
    fig = ax.figure
    if max(len(label) for label in labels) > 45:
        ncol = 1  # long labels side by side would be wider than the figure and squeeze the plot
    if isinstance(fig.get_layout_engine(), ConstrainedLayoutEngine):
        # the layout keeps a figure legend clear of the axes; on the right, it leaves the bottom to the footnote
        return fig.legend(handles, labels, loc="outside right upper", ncol=1, fontsize=fontsize, frameon=False, **kwargs)
    legend = ax.legend(handles, labels, loc="upper center", ncol=ncol, fontsize=fontsize, frameon=False, **kwargs)
    for _ in range(3):  # the layout moves the axes, which moves the tick labels the legend sits under
        fig.tight_layout()
        renderer = _renderer(fig)
        bottom = ax.xaxis.get_tightbbox(renderer).y0
        y = ax.transAxes.inverted().transform((0, bottom))[1]
        legend.set_bbox_to_anchor((0.5, y - 0.02), transform=ax.transAxes)
    return legend


def overlaps_data(ax: Axes) -> bool:
    """Whether a legend of the axes or of its figure covers any part of the plotting area, as drawn."""
    fig = ax.figure
    renderer = _renderer(fig)
    fig.canvas.draw()
    legends = [leg for leg in [ax.get_legend(), *fig.legends] if leg is not None]
    return any(leg.get_window_extent(renderer).overlaps(ax.get_window_extent(renderer)) for leg in legends)
