// Confirm dialogs for small actions (UX.md). A link with data-dialog-open leads to a
// confirmation page; with JavaScript it opens the <dialog> of that id instead. showModal()
// keeps focus inside the dialog and returns it to the link when the dialog closes.
document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-dialog-open]");
  if (opener) {
    const dialog = document.getElementById(opener.dataset.dialogOpen);
    if (dialog && typeof dialog.showModal === "function") {
      event.preventDefault();
      dialog.showModal();
    }
    return;
  }
  const closer = event.target.closest("[data-dialog-close]");
  if (closer) {
    closer.closest("dialog")?.close();
  }
});

// The live region refreshes itself (through its data-live-refresh element); not while someone
// is answering a dialog inside it.
const answering = (element) =>
  element?.hasAttribute?.("data-live-refresh") &&
  document.querySelector("#execution-live dialog[open]");
document.addEventListener("htmx:beforeRequest", (event) => {
  if (answering(event.detail.elt)) event.preventDefault();
});
document.addEventListener("htmx:beforeSwap", (event) => {
  // detail.elt is the swap target here; the refresh is the request the region itself made.
  if (answering(event.detail.requestConfig?.elt)) event.detail.shouldSwap = false;
});

// The live region is swapped whole every few seconds; announce only a change of state, once,
// from a region outside it that stays put.
const stateWords = () => {
  const state = document.querySelector("#execution-live .execution-state");
  if (!state) return "";
  const copy = state.cloneNode(true);
  copy.querySelectorAll("[aria-hidden='true']").forEach((icon) => icon.remove());
  return copy.textContent.replace(/\s+/g, " ").trim();
};
let lastState = null;
document.addEventListener("DOMContentLoaded", () => {
  lastState = stateWords();
});
document.addEventListener("htmx:afterSwap", (event) => {
  const announcer = document.getElementById("execution-announcer");
  if (!announcer) return;
  const words = stateWords();
  if (lastState !== null && words && words !== lastState) {
    announcer.textContent = "This run is now: " + words;
  }
  lastState = words;
  // After an action answered in a dialog, focus goes to the run's state (console.js,
  // data-swap-focus) and stays there over the refreshes that follow (its id).
});
