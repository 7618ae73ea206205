// The error box (one message, text only) and the loader's notices (dismissable).

const messageBox = document.getElementById("message");

export function showMessage(text) {
  messageBox.textContent = text || "";
  messageBox.hidden = !text;
}

export function showNotices(notices) {
  const box = document.getElementById("notices");
  if (!box || !notices || !notices.length) return;
  const list = box.querySelector("ul");
  for (const notice of notices) {
    const item = document.createElement("li");
    item.textContent = notice;
    list.appendChild(item);
  }
  box.querySelector("button").addEventListener("click", () => {
    box.hidden = true;
  });
  box.hidden = false;
}
