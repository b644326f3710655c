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

// Where the news is (UX.md: error summaries; run actions; previews). A page that loads with an
// error summary (partials/_form_errors.html) puts focus on it, so a keyboard or screen reader
// user starts from what went wrong; its links lead to each field. Without this file the
// summary is still at the top of the page and announced (role="alert").
document.addEventListener("DOMContentLoaded", () => {
  document.querySelector(".error-summary[tabindex='-1']")?.focus();
});

// After a swap that a person asked for (a click or a form sent), focus moves to the swapped
// region's error summary, else to its element marked data-swap-focus (a heading or status
// with tabindex="-1"), instead of falling to the page's body when the button that had it is
// replaced. A page's own refresh (X-Console-Poll, every few seconds) never moves focus; when
// it replaces the element that has focus, htmx gives focus to the new element of the same id.
const askedFor = (detail) =>
  ["click", "submit"].includes(detail.requestConfig?.triggeringEvent?.type) &&
  !(detail.requestConfig?.headers || {})["X-Console-Poll"];
document.addEventListener("htmx:afterSwap", (event) => {
  const region = event.target;
  if (!(region instanceof Element) || !region.isConnected || !askedFor(event.detail)) return;
  const news =
    region.querySelector(".error-summary[tabindex='-1']") ||
    (region.matches("[data-swap-focus]") ? region : region.querySelector("[data-swap-focus]"));
  news?.focus();
});

// Progressive disclosure: a part of a form marked data-shown-by="<name of a set of radios>"
// and data-shown-for="<values>" is for those choices only (the schedule builder's days, days
// of the month, every few minutes). Without this file every part shows, its hint naming the
// choices it is for. With it, the other choices' parts get the hidden attribute, which takes
// them out of sight, out of the tab order and out of what a screen reader reads; choosing
// again shows them at once. While nothing is chosen, everything shows.
const showChosenParts = (root) => {
  root.querySelectorAll("[data-shown-by]").forEach((part) => {
    const radios = part.closest("form")?.elements.namedItem(part.dataset.shownBy);
    const chosen = radios instanceof RadioNodeList ? radios.value : "";
    part.hidden = chosen !== "" && !part.dataset.shownFor.split(" ").includes(chosen);
  });
};
document.addEventListener("DOMContentLoaded", () => showChosenParts(document));
// Parts swapped in by htmx (the schedule page's preview swaps its main part) are new elements.
document.addEventListener("htmx:load", (event) => {
  if (event.target instanceof Element) showChosenParts(event.target);
});
document.addEventListener("change", (event) => {
  const { form, name } = event.target;
  if (form && name && form.querySelector(`[data-shown-by="${CSS.escape(name)}"]`)) {
    showChosenParts(form);
  }
});
