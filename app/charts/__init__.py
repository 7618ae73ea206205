"""Chart engines: Lightweight Charts (``lightweight``) and Plotly (``plotly_charts``)."""
