"""New chart figures, detached from pyplot.

A chart is recorded (figures/*.png) and shown in its notebook explicitly, as that very PNG. A figure
made through pyplot would also belong to the kernel's backend, which shows every open figure at the
end of a cell (a second, unrecorded copy) and keeps it in memory; a detached one depends on no
backend, so it draws the same in a kernel, a test or a script.
"""

from __future__ import annotations

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure


def new_figure(width_in: float, height_in: float, *, layout: str | None = None, rc: dict | None = None) -> tuple[Figure, Axes]:
    """A figure with one axes; `rc` settings apply while it is built (fonts of titles and labels)."""
    with matplotlib.rc_context(rc or {}):
        fig = Figure(figsize=(width_in, height_in), layout=layout)
        ax = fig.subplots()
    return fig, ax
