"""The "Download PNG" button: the chart as shown (the bars drawn and the window in view, the EMAs
ticked, the indicators and overlays chosen), drawn in the browser by the page's own plotly.js from
the figure already on screen (``Plotly.toImage``) and handed to ``dcc.Download``.

No request and no image renderer: the server's renderer (Kaleido driving a Chromium) had first
to start, 5-15 s on a loaded machine for the first image of a process, then to rebuild the figure
the page already held.
"""

from __future__ import annotations

import re

IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_SCALE = 1400, 800, 2
PANE_HEIGHT = 160  # image pixels per indicator pane

# (clicks, drawn store) -> [dcc.Download data, error under the button]. The picture is 1400 x
# (800 + 160 per pane) CSS pixels at scale 2; its file is named after the chart's title.
DOWNLOAD_PNG_JS = """
async function (clicks, drawn) {
    const skip = window.dash_clientside.no_update;
    const failed = (text) => [skip, {namespace: "dash_bootstrap_components", type: "Alert",
                                     props: {children: text, color: "danger"}}];
    if (!clicks) { return [skip, skip]; }
    const gd = document.querySelector("#chart .js-plotly-plot");
    if (!drawn || !gd || !gd.data || !gd._fullLayout || !window.Plotly) {
        return failed("Nothing is drawn yet to download.");
    }
    try {
        const axes = Object.keys(gd._fullLayout).filter((key) => /^yaxis[0-9]*$/.test(key));
        const panes = Math.max(axes.length - 2, 0);  // the price's axis, the volume's, then panes
        const width = __WIDTH__, height = __HEIGHT__ + panes * __PANE__;
        const layout = Object.assign({}, gd.layout, {width: width, height: height,
                                                     hovermode: false, dragmode: false});
        const url = await window.Plotly.toImage({data: gd.data, layout: layout},
            {format: "png", width: width, height: height, scale: __SCALE__});
        const content = url.slice(url.indexOf(",") + 1);
        return [{content: content, base64: true, filename: drawn.image || "chart.png",
                 type: "image/png"}, null];
    } catch (error) {
        return failed(`The image could not be drawn: ${error && error.message || error}`);
    }
}
"""
for _name, _value in (("WIDTH", IMAGE_WIDTH), ("HEIGHT", IMAGE_HEIGHT), ("PANE", PANE_HEIGHT),
                      ("SCALE", IMAGE_SCALE)):  # fmt: skip
    DOWNLOAD_PNG_JS = DOWNLOAD_PNG_JS.replace(f"__{_name}__", str(_value))


def image_name(title: str) -> str:
    """``EURUSD · 1h`` -> ``EURUSD_1h.png``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", title).strip("_") + ".png"
