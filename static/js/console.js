// Small progressive enhancements. Pages work without this file.
document.addEventListener("DOMContentLoaded", () => {
  const status = document.getElementById("htmx-status");
  if (status && window.htmx) {
    status.dataset.htmxStatus = "active";
    status.textContent = "Live updates are on.";
  }
});

// Tell the server the viewer's time zone, so times are shown in it (a cookie, read per request).
(() => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && !document.cookie.split("; ").includes("tz=" + encodeURIComponent(zone))) {
    document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; SameSite=Lax";
  }
})();
