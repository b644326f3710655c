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

// A live region refreshes itself; not while someone is answering a dialog inside it.
const answering = (element) =>
  element?.hasAttribute?.("data-live-refresh") && element.querySelector("dialog[open]");
document.addEventListener("htmx:beforeRequest", (event) => {
  if (answering(event.detail.elt)) event.preventDefault();
});
document.addEventListener("htmx:beforeSwap", (event) => {
  // detail.elt is the swap target here; the refresh is the request the region itself made.
  if (answering(event.detail.requestConfig?.elt)) event.detail.shouldSwap = false;
});
