"""The analysis panel under the chart (issue #13): the rule summary, the signals and the levels,
from the core's one analysis rule (the same bars and numbers as the page, the API and Dash)."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from app.core.analysis import Analysis, analysis_scope
from app.streamlit_app.literal_text import literal

PANEL_TITLE = "Analysis"


def render_analysis(analysis: Analysis) -> None:
    with st.expander(PANEL_TITLE, expanded=True, icon=":material/insights:"):
        st.markdown(literal(analysis.summary))
        if analysis.facts is not None:  # the same facts in Persian, right-to-left
            persian = html.escape(analysis.summary_in("fa"))
            st.markdown(
                f'<div dir="rtl" lang="fa" class="sc-summary-fa">{persian}</div>',
                unsafe_allow_html=True,
            )
        if analysis.signals:
            signals = pd.DataFrame(
                {
                    "Signal": [s.label for s in analysis.signals],
                    "State": [s.state_label for s in analysis.signals],
                    "Detail": [s.detail for s in analysis.signals],
                }
            )
            st.dataframe(signals, hide_index=True, width="stretch", key="signals_table")
        levels, spikes = st.columns(2)
        levels.caption(
            "Levels: "
            + (
                ", ".join(
                    f"{'S' if lv.kind == 'support' else 'R'} {analysis.price(lv.price)} "
                    f"×{lv.touches}"
                    for lv in analysis.levels
                )
                or "none found"
            )
        )
        spikes.caption(f"Volume spikes: {len(analysis.volume_spikes)}")
        st.caption(analysis_scope(analysis))
