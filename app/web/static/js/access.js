// API_TOKENS: the token the dialog kept for this session goes with every same-origin fetch (an
// Authorization header) and the live socket's URL (?token=, browsers cannot set its headers).
// A 401 means the token was withdrawn: it is forgotten and the page reloads into the dialog.
// Without a token (the default, open server) nothing changes.

const KEY = "superchart.token";
const COOKIE = "superchart_token";

export function accessToken() {
  try {
    const kept = sessionStorage.getItem(KEY);
    if (kept) return kept;
  } catch (_) { /* storage off (a file:// download): fall through */ }
  const part = document.cookie.split("; ").find((item) => item.startsWith(COOKIE + "="));
  return part ? decodeURIComponent(part.slice(COOKIE.length + 1)) : null;
}

export function withToken(url) {
  const token = accessToken();
  if (!token) return url;
  return url + (url.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token);
}

function forget() {
  try { sessionStorage.removeItem(KEY); } catch (_) { /* nothing kept */ }
  document.cookie = COOKIE + "=; Path=/; SameSite=Strict; Max-Age=0";
  location.reload();
}

export function sendTokenWithFetches() {
  const token = accessToken();
  if (!token || window.fetch.superchartToken) return;
  const plain = window.fetch.bind(window);
  const fetchWithToken = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (url.origin !== location.origin) return plain(input, init);
    const headers = new Headers((init && init.headers) || (input instanceof Request ? input.headers : undefined));
    headers.set("Authorization", "Bearer " + token);
    return plain(input, { ...(init || {}), headers }).then((response) => {
      if (response.status === 401) forget();
      return response;
    });
  };
  fetchWithToken.superchartToken = true;
  window.fetch = fetchWithToken;
}
