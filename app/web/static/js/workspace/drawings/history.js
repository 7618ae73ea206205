// Undo and redo of drawing changes: each step holds the drawing before and after (null for
// "none"); undoing a creation deletes it, undoing a deletion creates it again (under a new id,
// which the later steps of that drawing follow).

const MAX_STEPS = 100;

export function createHistory(store) {
  const done = [];
  const undone = [];

  async function put(step, target) {
    const current = step.current;
    if (!target && current) {
      await store.remove(current);
      step.current = null;
    } else if (target && !current) {
      step.current = await store.create(target);
      step.ref.id = step.current.id;
    } else if (target && current) {
      step.current = { ...target, id: current.id };
      await store.update(step.current);
    }
  }

  return {
    /** A change made: ``ref`` is an object shared by the steps of one drawing (its id). */
    record(ref, before, after) {
      done.push({ ref, before, after });
      if (done.length > MAX_STEPS) done.shift();
      undone.length = 0;
    },
    async undo() {
      const step = done.pop();
      if (!step) return;
      await put({ ...step, current: step.after && { ...step.after, id: step.ref.id }, ref: step.ref }, step.before);
      undone.push(step);
    },
    async redo() {
      const step = undone.pop();
      if (!step) return;
      await put({ ...step, current: step.before && { ...step.before, id: step.ref.id }, ref: step.ref }, step.after);
      done.push(step);
    },
    get sizes() {
      return { done: done.length, undone: undone.length };
    },
  };
}
