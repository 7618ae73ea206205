// The Streamlit component protocol (API version 1), by hand: the iframe says it is ready, the
// app sends "streamlit:render" with the arguments on every run, the iframe sets its height and
// may hand the app a value (the Plotly chart's legend clicks). It is four messages;
// streamlit-component-lib would bring React-free but npm-built code (and Apache Arrow) for the
// same.

const API_VERSION = 1;

function send(type, data) {
  window.parent.postMessage({ isStreamlitMessage: true, type, ...data }, "*");
}

/** Calls ``onRender(args, theme)`` for each render message from the app (the parent frame
 * only); ``theme`` is Streamlit's, {base: "light" | "dark", ...}, or null. */
export function listen(onRender) {
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent) return;
    const data = event.data;
    if (!data || data.type !== "streamlit:render" || typeof data.args !== "object") return;
    onRender(data.args, data.theme && typeof data.theme === "object" ? data.theme : null);
  });
  send("streamlit:componentReady", { apiVersion: API_VERSION });
}

let lastHeight = null;

export function setFrameHeight(height) {
  if (height === lastHeight) return;
  lastHeight = height;
  send("streamlit:setFrameHeight", { height });
}

/** Hands ``value`` (JSON) to the app: the component's widget value, which reruns the script. */
export function setComponentValue(value) {
  send("streamlit:setComponentValue", { value, dataType: "json" });
}
