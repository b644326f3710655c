// Small progressive enhancements. Pages work without this file.
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("htmx-status");
  if (status && window.htmx) {
    status.dataset.htmxStatus = "active";
    status.textContent = "Live updates are on.";
  }
});
