// What adding, editing and removing an indicator instance does: fetch the held bars again with
// its columns when they are not held, draw or take off its series, and keep the address, the
// legend and the dialog in step. A failed fetch puts everything back and says why.

import { columnsOf } from "./studies.js";
import { pageContext } from "./page_state.js";

/** ``page``: held, instances, studies, updateUrl, ctx (the chart context; the page's state when
 * absent), and (set once they exist) legend, loader and dialog. */
export function createIndicatorActions(page) {
  if (!page.ctx) page.ctx = pageContext();
  function known() {
    return page.held.data.indicators;
  }

  /** Series for the instances whose columns are held; none for those removed. Returns the
   * instances that could not be drawn (their columns are not held). */
  function sync() {
    const columns = page.held.data.columns;
    const missing = [];
    for (const instance of page.instances.list) {
      const wanted = columnsOf(instance, known());
      if (!wanted.every((name) => name in columns)) missing.push(instance);
      else if (!page.studies.drawn.has(instance.id)) {
        page.studies.add(instance, columns, known(), page.ctx.precision);
      }
    }
    const alive = new Set(page.instances.list.map((instance) => instance.id));
    for (const id of [...page.studies.drawn.keys()]) if (!alive.has(id)) page.studies.remove(id);
    page.studies.order(page.instances.list.map((instance) => instance.id)); // an edit keeps its pane
    page.legend.reset();
    return missing;
  }

  function changed() {
    page.updateUrl();
    if (page.dialog) page.dialog.refresh();
  }

  function showError(text) {
    if (page.dialog) page.dialog.showError(text);
  }

  /** Fetches the held bars again with the instances' columns, unless they are all held. */
  function refetch(undo) {
    const columns = page.held.data.columns;
    const missing = page.instances.list.some((instance) =>
      !columnsOf(instance, known()).every((name) => columns && name in columns));
    if (!missing) {
      sync();
      changed();
      return;
    }
    page.loader.refetchHeld({ indicators: page.instances.tokens().join(",") }, {
      done() {
        // Drawn by setData; one the server sent no columns for is taken off and said so.
        for (const instance of sync()) {
          page.instances.remove(instance.id);
          showError("The server sent no values for " + instance.token + ".");
        }
        changed();
      },
      onFail(error) {
        undo();
        sync(); // an edit that failed draws the parameters still held
        showError(error.message);
        changed();
      },
    });
  }

  function add(token) {
    const instance = page.instances.add(token);
    refetch(() => page.instances.remove(instance.id));
  }

  function edit(id, params) {
    const instance = page.instances.list.find((item) => item.id === id);
    if (!instance) return;
    const before = [...instance.params];
    page.studies.remove(id); // drawn again once the new columns are held
    page.instances.edit(id, params);
    refetch(() => page.instances.edit(id, before));
  }

  function remove(id) {
    const instance = page.instances.remove(id);
    if (!instance) return;
    page.studies.remove(id);
    if (!page.instances.tokens().includes(instance.token)) {
      page.held.dropColumns(columnsOf(instance, known()));
      delete known()[instance.token];
    }
    page.legend.reset();
    changed();
  }

  return { sync, add, edit, remove };
}
