// Says "Reading <file> (<size>)…" on the upload box as soon as a file is chosen or dropped:
// dcc.Upload reads the whole file in the browser before any callback runs, which takes
// seconds for a large file. An attribute shown by CSS, so React's own rendering is untouched;
// the size-check callback removes it once the file has been read.
(function () {
  function mark(files) {
    const box = document.getElementById("upload");
    if (!box || !files || !files.length) return;
    const file = files[0];
    const mb = (file.size / 1048576).toFixed(1);
    box.setAttribute("data-reading", `Reading ${file.name} (${mb} MB)…`);
  }
  document.addEventListener(
    "change",
    (event) => {
      if (event.target.closest && event.target.closest("#upload")) mark(event.target.files);
    },
    true,
  );
  document.addEventListener(
    "drop",
    (event) => {
      if (event.target.closest && event.target.closest("#upload") && event.dataTransfer) {
        mark(event.dataTransfer.files);
      }
    },
    true,
  );
})();
