"""HiGHS through ``highspy``, silent: shared by the bound's LP and the exact solver."""

from __future__ import annotations

import highspy

__all__ = ["QuietHighs"]


class QuietHighs(highspy.Highs):
    """highspy's solver, silent from the start: ``Highs.__init__`` ends by enabling callbacks,
    which writes HiGHS's banner to stdout unless its output is already off.

    Examples
    --------
    >>> QuietHighs().getOptionValue("output_flag")[1]  # (status, value)
    False
    """

    def enableCallbacks(self) -> None:  # noqa: N802 (highspy's name)
        self.setOptionValue("output_flag", False)
        super().enableCallbacks()
