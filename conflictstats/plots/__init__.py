"""matplotlib plots, one function per result kind.

Every function takes a result (or a list of them) and ``ax=None``, draws on ``ax`` (a new
styled figure when None), and returns the Axes. Styling comes from one bundled style file
(:data:`STYLE_FILE`); nothing calls ``plt.show()``. Save figures with
:func:`conflictstats.repro.save_figure`.

The functions live in one private module per statistical module (``_rates``, ``_proportions``,
…) and are all exported here.
"""

from ._base import STYLE_FILE, get_ax, interval_label, legend_below, style_context
from ._fatalities import *  # noqa: F403
from ._fatalities import __all__ as _fatalities_all
from ._heaping import *  # noqa: F403
from ._heaping import __all__ as _heaping_all
from ._layout import LayoutProblem, check_layout
from ._mse import *  # noqa: F403
from ._mse import __all__ as _mse_all
from ._panel import *  # noqa: F403
from ._panel import __all__ as _panel_all
from ._proportions import *  # noqa: F403
from ._proportions import __all__ as _proportions_all
from ._rates import *  # noqa: F403
from ._rates import __all__ as _rates_all
from ._reported import *  # noqa: F403
from ._reported import __all__ as _reported_all
from ._trends import *  # noqa: F403
from ._trends import __all__ as _trends_all

__all__ = [
    "STYLE_FILE",
    "style_context",
    "get_ax",
    "interval_label",
    "legend_below",
    "check_layout",
    "LayoutProblem",
    *_reported_all,
    *_rates_all,
    *_proportions_all,
    *_trends_all,
    *_mse_all,
    *_heaping_all,
    *_panel_all,
    *_fatalities_all,
]
