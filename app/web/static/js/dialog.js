// The "Indicators" dialog, as on TradingView: search the catalog (GET /api/indicators), add an
// indicator (several of one allowed), edit its parameters within the catalog's bounds, remove it.
// One dialog serves the chart it was opened for: ``open(focusId, chart)`` with ``chart`` =
// {instances, actions} switches to that chart's indicators (a workspace has several charts).

import { state } from "./page_state.js";
import { labelOf } from "./indicators.js";

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function createIndicatorDialog({ dialog, instances, actions }) {
  const target = { instances, actions };
  const search = dialog.querySelector("#indicator-search");
  const catalogList = dialog.querySelector("#indicator-catalog");
  const instanceList = dialog.querySelector("#indicator-instances");
  const errorBox = dialog.querySelector("#indicator-error");
  let catalog = null;

  async function loadCatalog() {
    if (catalog) return catalog;
    try {
      const response = await fetch("/api/indicators");
      if (!response.ok) throw new Error("The server answered " + response.status + ".");
      catalog = await response.json();
      state.catalog = catalog;
    } catch (error) {
      catalog = state.catalog || [];
      if (!catalog.length) showError("The indicator list could not be loaded: " + error.message);
    }
    return catalog;
  }

  function showError(text) {
    errorBox.textContent = text || "";
    errorBox.hidden = !text;
  }

  function renderCatalog() {
    const wanted = search.value.trim().toLowerCase();
    const items = (catalog || [])
      .filter((entry) => {
        const words = [entry.name, entry.label, entry.title, ...(entry.aliases || [])].join(" ");
        return !wanted || words.toLowerCase().includes(wanted);
      })
      .map((entry) => {
        const item = element("li");
        const button = element("button", "catalog-item");
        button.type = "button";
        button.dataset.name = entry.name;
        button.append(element("span", "catalog-label", entry.title || entry.label || entry.name));
        button.append(element("span", "catalog-pane", entry.pane === "price" ? "on price" : "own pane"));
        button.addEventListener("click", () => {
          const defaults = (entry.params || []).map((param) => param.default);
          showError("");
          target.actions.add(defaults.length ? entry.name + ":" + defaults.join(":") : entry.name);
        });
        item.appendChild(button);
        return item;
      });
    catalogList.replaceChildren(...items);
  }

  function paramInput(instance, param, index) {
    const label = element("label", "param");
    label.append(element("span", "param-name", param.label || param.name));
    const input = element("input");
    input.type = "number";
    input.dataset.param = param.name;
    input.value = String(instance.params[index] ?? param.default);
    if (param.min !== undefined && param.min !== null) input.min = String(param.min);
    if (param.max !== undefined && param.max !== null) input.max = String(param.max);
    const integer = param.type ? param.type === "int" : Number.isInteger(param.default);
    input.step = integer ? "1" : "any";
    input.addEventListener("change", () => {
      const value = Number(input.value);
      const low = param.min ?? -Infinity;
      const high = param.max ?? Infinity;
      if (input.value === "" || !Number.isFinite(value) || value < low || value > high ||
          (integer && !Number.isInteger(value))) {
        showError((param.label || param.name) + " of " + labelOf(instance) + " must be " + (integer ? "a whole number " : "") +
          "from " + low + " to " + high + ".");
        input.value = String(instance.params[index]);
        return;
      }
      showError("");
      const params = [...instance.params];
      params[index] = value;
      target.actions.edit(instance.id, params);
    });
    label.append(input);
    return label;
  }

  function renderInstances() {
    if (!target.instances) return; // not opened for a chart yet
    const items = target.instances.list.map((instance) => {
      const item = element("li", "instance");
      item.dataset.id = String(instance.id);
      const swatch = element("span", "swatch");
      swatch.style.background = instance.color;
      item.append(swatch, element("span", "instance-label", labelOf(instance)));
      const entry = (catalog || state.catalog || []).find((candidate) => candidate.name === instance.name);
      const params = element("span", "params");
      (entry ? entry.params || [] : []).forEach((param, index) => params.append(paramInput(instance, param, index)));
      const remove = element("button", "remove", "Remove");
      remove.type = "button";
      remove.setAttribute("aria-label", "Remove " + labelOf(instance));
      remove.addEventListener("click", () => target.actions.remove(instance.id));
      item.append(params, remove);
      return item;
    });
    if (!items.length) items.push(element("li", "empty", "None yet: pick one above."));
    instanceList.replaceChildren(...items);
  }

  async function open(focusId, chart) {
    if (chart) Object.assign(target, { instances: chart.instances, actions: chart.actions });
    if (!dialog.open) dialog.showModal();
    await loadCatalog();
    renderCatalog();
    renderInstances();
    const focused = focusId && instanceList.querySelector(`li[data-id="${focusId}"] input`);
    (focused || search).focus();
  }

  search.addEventListener("input", renderCatalog);
  dialog.addEventListener("close", () => showError(""));

  /** Whether the dialog shows ``chart``'s indicators (another chart's changes do not redraw it). */
  const shows = (chart) => target.instances === chart.instances;
  return { open, refresh: renderInstances, showError, shows };
}
