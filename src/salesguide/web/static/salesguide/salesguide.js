// Behaviour that the Content-Security-Policy keeps out of the templates: no inline scripts, no inline event
// handlers and no htmx hx-on (htmx runs those through eval, which the policy forbids). Elements ask for it with
// a data attribute; one listener on the document serves them all, also those that htmx swaps in later.
//
//   data-print                   the button opens the browser's print dialog
//   data-empty-closest="SEL"     the button empties its closest ancestor that matches SEL
"use strict";

document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (target === null) {
    return;
  }
  if (target.closest("[data-print]")) {
    window.print();
    return;
  }
  const emptier = target.closest("[data-empty-closest]");
  if (emptier !== null) {
    const container = emptier.closest(emptier.getAttribute("data-empty-closest"));
    if (container !== null) {
      container.replaceChildren();
    }
  }
});
