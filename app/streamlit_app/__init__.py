"""The Streamlit front end: sidebar controls, cached loads, chart and summary (no chart code)."""
