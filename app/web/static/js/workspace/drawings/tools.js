// placeholder replaced below
export function createDrawingTools() {
  return { attach() {}, onActivate() {}, setTool() {}, undo() {}, redo() {}, deleteSelected() {}, cancel() {} };
}
