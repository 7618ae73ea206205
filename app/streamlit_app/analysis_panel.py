"""The analysis panel under the chart (issue #13): the rule summary, the signals and the levels
of the bars drawn, from the core's ``analyse``."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.core.analysis import Analysis
from app.streamlit_app.literal_text import literal
from app.streamlit_app.summary import format_price

PANEL_TITLE = "Analysis of the bars drawn"


def render_analysis(analysis: Analysis) -> None:
    with st.expander(PANEL_TITLE, expanded=True, icon=":material/insights:"):
        st.markdown(literal(analysis.summary))
        if analysis.signals:
            signals = pd.DataFrame(
                {
                    "Signal": [s.name for s in analysis.signals],
                    "State": [s.state.replace("_", " ") for s in analysis.signals],
                    "Detail": [s.detail for s in analysis.signals],
                }
            )
            st.dataframe(signals, hide_index=True, width="stretch", key="signals_table")
        levels, spikes = st.columns(2)
        levels.caption(
            "Levels: "
            + (
                ", ".join(
                    f"{'S' if lv.kind == 'support' else 'R'} {format_price(lv.price)} ×{lv.touches}"
                    for lv in analysis.levels
                )
                or "none found"
            )
        )
        spikes.caption(f"Volume spikes in these bars: {len(analysis.volume_spikes)}")
