// The toolbar's layout controls: save under a name (server store, local storage when it is
// unreachable), open a saved one, export the layout as a JSON file and import one.

import { checkLayout } from "./layout_url.js";

export function wireLayoutControls(workspace, { toast }) {
  const name = document.getElementById("layout-name");
  const list = document.getElementById("layout-list");

  async function refreshList() {
    const names = await workspace.store.list();
    list.length = 1;
    for (const each of names) list.add(new Option(each, each));
  }

  document.getElementById("layout-save").addEventListener("click", async () => {
    const wanted = name.value.trim();
    if (!wanted) return toast("Name the layout first.");
    try {
      const saved = await workspace.store.save(wanted, workspace.layout());
      workspace.savedShareId = saved ? saved.share_id : null;
      toast(saved ? "Layout “" + wanted + "” saved." : "Layout “" + wanted + "” saved in this browser only.");
      refreshList();
    } catch (error) {
      toast("Not saved: " + error.message);
    }
  });

  list.addEventListener("change", async () => {
    const wanted = list.value;
    list.value = "";
    if (!wanted) return;
    try {
      const saved = await workspace.store.load(wanted);
      if (!saved) return toast("No layout named “" + wanted + "”.");
      name.value = wanted;
      workspace.openLayout(saved);
    } catch (error) {
      toast("The layout could not be opened: " + error.message);
    }
  });

  document.getElementById("layout-export").addEventListener("click", () => {
    const text = JSON.stringify(workspace.layout(), null, 2);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: "application/json" }));
    link.download = (name.value.trim() || "layout") + ".superchart.json";
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });

  const importInput = document.getElementById("layout-import");
  importInput.addEventListener("change", async () => {
    const file = importInput.files[0];
    importInput.value = "";
    if (!file) return;
    if (file.size > 256 * 1024) return toast("Not imported: a layout file is at most 256 KB.");
    try {
      workspace.openLayout(checkLayout(JSON.parse(await file.text())));
      toast("Layout imported from " + file.name + ".");
    } catch (error) {
      toast("Not imported: " + error.message);
    }
  });

  refreshList();
}
