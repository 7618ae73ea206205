// The Scanner's "last scheduled run" (GET /api/v1/scans, /api/v1/scans/{run}): when it ran, its
// counts, and each flagged symbol with links to the report and chart the run saved.

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function link(text, href) {
  const anchor = element("a", "", text);
  anchor.href = href;
  anchor.target = "_blank";
  anchor.rel = "noopener";
  return anchor;
}

/** Fills ``section`` with the newest run; says so when there is none or it cannot be read. */
export async function showLastRun(section, onOpen) {
  if (!section) return;
  section.replaceChildren(element("p", "scan-run-status", "Reading the last scheduled run…"));
  try {
    const runs = await fetch("/api/v1/scans").then((response) => response.json());
    if (!Array.isArray(runs) || runs.length === 0) {
      section.replaceChildren(element("p", "scan-run-status", "No scheduled run yet (see SCAN_SCHEDULE)."));
      return;
    }
    const run = await fetch("/api/v1/scans/" + encodeURIComponent(runs[0].run)).then((r) => r.json());
    const when = String(run.started || "").replace("T", " ").slice(0, 19) + " UTC";
    const head = element("p", "scan-run-status",
      "Last scheduled run " + when + ": " + run.scanned + " scanned, " + run.flagged + " flagged, " +
      run.failed + " failed.");
    const list = element("ul", "scan-run-flagged");
    for (const row of run.flagged_symbols || []) {
      const item = element("li", "");
      const name = element("button", "scan-run-symbol", row.symbol + " · " + row.timeframe);
      name.type = "button";
      name.addEventListener("click", () => onOpen(row.symbol, row.timeframe));
      item.append(name, " ", element("span", "", row.spikes + " spike" + (row.spikes === 1 ? "" : "s")), " ");
      if (row.links && row.links.report) item.append(link("report", row.links.report), " ");
      if (row.links && row.links.chart) item.append(link("chart", row.links.chart));
      list.appendChild(item);
    }
    section.replaceChildren(head, list);
  } catch (error) {
    section.replaceChildren(element("p", "scan-run-status", "The last run could not be read: " + error.message));
  }
}
