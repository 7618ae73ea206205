// The Streamlit component's entry: on each render from the app, the chart (made once, on the
// first render) is brought up to date in place, so the user's zoom survives new data.

import { state } from "../js/page_state.js";
import { showMessage } from "../js/notices.js";
import { listen, setFrameHeight } from "./streamlit_protocol.js";
import { createChartView } from "./chart_view.js";

let view = null;
let lastPayload = null;
let renders = 0;

listen((args, theme) => {
  setFrameHeight(Number(args.height) || 600);
  try {
    const changed = args.payload !== lastPayload;
    const payload = changed ? JSON.parse(args.payload) : null;
    if (!view) {
      Object.assign(state, args.state);
      state.precision = 2;
      view = createChartView(document.getElementById("chart"));
      window.superChart = view.exposed;
    }
    view.render(args.state, payload, theme ? theme.base : state.theme);
    lastPayload = args.payload;
    renders += 1;
    window.superChart.renders = renders;
    showMessage("");
  } catch (error) {
    console.error(error);
    showMessage("The chart could not be drawn: " + error.message);
  }
});
