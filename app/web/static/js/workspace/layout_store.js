// Layouts kept on the server (PUT/GET /api/layouts/{name}, owned by this browser's X-Client-Id,
// a random id kept in local storage) and in local storage as well: when the server store cannot
// be reached the page works from local storage and says so.

const CLIENT_KEY = "superchart.clientId";
const LOCAL_PREFIX = "superchart.layout.";

export function clientId() {
  try {
    let id = localStorage.getItem(CLIENT_KEY);
    if (!id) {
      id = "web-" + Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, "0")).join("");
      localStorage.setItem(CLIENT_KEY, id);
    }
    return id;
  } catch (error) {
    return "default";
  }
}

/** fetch with the client id; JSON in and out; an Error with the server's detail on failure. */
export async function storeFetch(url, options = {}) {
  const headers = { "X-Client-Id": clientId(), ...(options.headers || {}) };
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(url, {
    ...options,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (response.status === 204) return null;
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    body = null;
  }
  if (!response.ok) {
    const detail = body && body.detail ? body.detail : "the server answered " + response.status;
    const error = new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
    error.status = response.status;
    throw error;
  }
  return body;
}

function localRead(name) {
  try {
    const text = localStorage.getItem(LOCAL_PREFIX + name);
    return text ? JSON.parse(text) : null;
  } catch (error) {
    return null;
  }
}

function localWrite(name, layout) {
  try {
    localStorage.setItem(LOCAL_PREFIX + name, JSON.stringify(layout));
  } catch (error) { /* storage full or off: the server copy is all there is */ }
}

function localNames() {
  const names = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key.startsWith(LOCAL_PREFIX)) names.push(key.slice(LOCAL_PREFIX.length));
    }
  } catch (error) { /* none */ }
  return names;
}

export function createLayoutStore({ onStatus }) {
  const status = { offline: false, detail: "" };

  function report(offline, detail) {
    status.offline = offline;
    status.detail = detail;
    onStatus(status);
  }

  function unreachable(error) {
    // 4xx other than 404 are answers (a bad layout): only no answer or 5xx mean "unreachable".
    return !error.status || error.status >= 500;
  }

  async function save(name, layout) {
    localWrite(name, layout);
    try {
      const saved = await storeFetch("/api/layouts/" + encodeURIComponent(name), { method: "PUT", body: layout });
      report(false, "Saved “" + name + "” on the server");
      return saved;
    } catch (error) {
      if (!unreachable(error)) throw error;
      report(true, "Server store unreachable: “" + name + "” saved in this browser only");
      return null;
    }
  }

  async function load(name) {
    try {
      const layout = await storeFetch("/api/layouts/" + encodeURIComponent(name));
      report(false, "");
      return layout;
    } catch (error) {
      if (!unreachable(error)) {
        if (error.status === 404) return localRead(name);
        throw error;
      }
      report(true, "Server store unreachable: working from this browser's copy");
      return localRead(name);
    }
  }

  async function loadShared(shareId) {
    return storeFetch("/api/shared-layouts/" + encodeURIComponent(shareId));
  }

  async function list() {
    try {
      const rows = await storeFetch("/api/layouts");
      return [...new Set([...rows.map((row) => row.name), ...localNames()])].sort();
    } catch (error) {
      report(true, "Server store unreachable: working from this browser's copies");
      return localNames().sort();
    }
  }

  return { status, save, load, loadShared, list };
}
