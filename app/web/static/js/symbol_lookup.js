// A symbol typed in the search box and entered with no match listed: ask the API for it (a
// prefixed symbol of another source may exist without being listed) and, when it does not
// exist, say so in the list with the close matches the API's 404 offers, instead of doing
// nothing while the old chart stays.

/** {found: true} or {found: false, detail, suggestions} for ``text``. */
export async function lookUpSymbol(text) {
  const params = new URLSearchParams({ symbol: text, limit: "1" });
  try {
    const response = await fetch("/api/ohlcv?" + params);
    if (response.ok) return { found: true };
    const body = await response.json().catch(() => ({}));
    const suggestions = Array.isArray(body.suggestions) ? body.suggestions.slice(0, 8) : [];
    const detail = typeof body.detail === "string" ? body.detail : "";
    return { found: false, status: response.status, detail, suggestions };
  } catch (error) {
    return { found: false, status: 0, detail: "the server could not be reached", suggestions: [] };
  }
}

/** The list's content for a symbol that is not there: the words, then each suggestion as an
 * option that opens it. */
export function showNotFound(list, text, answer, onPick) {
  const note = document.createElement("li");
  note.className = "symbol-missing";
  note.setAttribute("role", "status");
  note.textContent =
    answer.status === 404 || !answer.status
      ? "No symbol " + text + (answer.suggestions.length ? ". Did you mean:" : ".")
      : answer.detail || "No symbol " + text;
  const items = answer.suggestions.map((symbol) => {
    const item = document.createElement("li");
    item.setAttribute("role", "option");
    item.dataset.symbol = symbol;
    item.textContent = symbol;
    item.addEventListener("mousedown", (event) => {
      event.preventDefault();
      onPick(symbol);
    });
    return item;
  });
  list.replaceChildren(note, ...items);
  list.hidden = false;
  return answer.suggestions;
}
