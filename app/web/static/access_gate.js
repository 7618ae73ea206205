// The token dialog the server shows instead of a page while API_TOKENS is set and no token came
// with the request. The token is kept for this browser session: in sessionStorage (the chart
// page's fetches and live socket send it) and in a session cookie (a browser cannot add a header
// to a navigation, so pages read it there). A token already kept here was refused: say so.
(function () {
  const KEY = "superchart.token";
  const COOKIE = "superchart_token";
  const form = document.getElementById("token-form");
  const input = document.getElementById("token-input");
  const error = document.getElementById("token-error");
  const secure = location.protocol === "https:" ? "; Secure" : "";

  function setCookie(value, extra) {
    document.cookie = COOKIE + "=" + encodeURIComponent(value) + "; Path=/; SameSite=Strict" + secure + (extra || "");
  }

  if (document.cookie.split("; ").some((part) => part.startsWith(COOKIE + "="))) {
    error.hidden = false; // we came back here with a token: it was refused
    setCookie("", "; Max-Age=0");
    try { sessionStorage.removeItem(KEY); } catch (_) { /* storage off: the cookie is enough */ }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const token = input.value.trim();
    if (!token) return;
    try { sessionStorage.setItem(KEY, token); } catch (_) { /* storage off: the cookie is enough */ }
    setCookie(token);
    location.reload();
  });
})();
