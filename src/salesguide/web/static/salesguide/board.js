// Dragging cards on the pipeline board (board/_body.html, board/_cards.html), with pointer events so that a mouse,
// a finger and a pen drag alike. Nothing is decided here: dropping a card on a column chooses that column in the
// card's own "Move to" form and submits it, so a drag sends exactly what the keyboard menu sends (htmx then swaps
// in the board as the server answers: the card at its new place, or back at its place with the reason).
//
//   data-board              the board's body; data-refused-text is said when a card is dropped where it may not go
//   data-board-status       where that is said (a live region)
//   data-board-column       a column; data-stage-id is its stage
//   data-board-card         a card; data-stage-id is where it is, data-move-to the stages it may go to (empty: none)
//   data-board-grip         the handle a finger or pen drags by (a mouse may take the card anywhere)
//   data-board-move-form    the card's "Move to" form, with its select named stage_id
//
// While dragging, the columns say where the card may go (.is-allowed), where not (.is-refused) and where it came
// from (.is-origin); Escape or dropping outside a column puts it back.
"use strict";

(() => {
  const THRESHOLD = 6; // pixels the pointer moves before a press becomes a drag (a click stays a click)
  const EDGE = 48; // pixels from the board's side where dragging scrolls it
  const STATES = ["is-allowed", "is-refused", "is-origin", "is-over"];
  let drag = null;
  let swallowClick = false;

  const columnAt = (x, y) => {
    const element = document.elementFromPoint(x, y);
    return element === null ? null : element.closest("[data-board-column]");
  };

  const targetsOf = (card) => (card.getAttribute("data-move-to") || "").split(" ").filter(Boolean);

  const say = (board, text) => {
    const status = board.querySelector("[data-board-status]");
    if (status !== null) {
      status.textContent = text;
    }
  };

  function start(event) {
    const { card, board } = drag;
    const box = card.getBoundingClientRect();
    const ghost = card.cloneNode(true);
    ghost.removeAttribute("id");
    ghost.querySelectorAll("[id]").forEach((element) => element.removeAttribute("id"));
    ghost.classList.add("board-card--ghost");
    ghost.setAttribute("aria-hidden", "true");
    ghost.style.width = `${box.width}px`;
    document.body.append(ghost);
    drag.ghost = ghost;
    drag.offsetX = drag.startX - box.left;
    drag.offsetY = drag.startY - box.top;
    drag.started = true;
    const targets = targetsOf(card);
    board.classList.add("is-dragging");
    card.classList.add("is-dragging");
    say(board, "");
    board.querySelectorAll("[data-board-column]").forEach((column) => {
      const stage = column.getAttribute("data-stage-id");
      if (stage === card.getAttribute("data-stage-id")) {
        column.classList.add("is-origin");
      } else {
        column.classList.add(targets.includes(stage) ? "is-allowed" : "is-refused");
      }
    });
    try {
      card.setPointerCapture(event.pointerId);
    } catch (error) {
      // The pointer is already gone: the drag ends with its pointerup or pointercancel.
    }
    scroll();
  }

  function follow(x, y) {
    drag.x = x;
    drag.y = y;
    drag.ghost.style.left = `${x - drag.offsetX}px`;
    drag.ghost.style.top = `${y - drag.offsetY}px`;
    const over = columnAt(x, y);
    if (over !== drag.over) {
      if (drag.over !== null) {
        drag.over.classList.remove("is-over");
      }
      if (over !== null) {
        over.classList.add("is-over");
      }
      drag.over = over;
    }
  }

  // Near the left or right side of the row of columns, scroll it, so a column out of sight (a phone shows one)
  // can be reached while dragging.
  function scroll() {
    if (drag === null || !drag.started) {
      return;
    }
    const row = drag.board.querySelector(".board__columns");
    if (row !== null && drag.x !== undefined) {
      const box = row.getBoundingClientRect();
      if (drag.x < box.left + EDGE) {
        row.scrollLeft -= 12;
      } else if (drag.x > box.right - EDGE) {
        row.scrollLeft += 12;
      }
    }
    window.requestAnimationFrame(scroll);
  }

  function finish(drop) {
    const { card, board, over, started } = drag;
    if (started) {
      drag.ghost.remove();
      card.classList.remove("is-dragging");
      board.classList.remove("is-dragging");
      board.querySelectorAll("[data-board-column]").forEach((column) => column.classList.remove(...STATES));
      swallowClick = true;
      window.setTimeout(() => {
        swallowClick = false;
      }, 0);
    }
    drag = null;
    if (!started || !drop || over === null) {
      return;
    }
    const stage = over.getAttribute("data-stage-id");
    if (stage === card.getAttribute("data-stage-id")) {
      return;
    }
    if (!targetsOf(card).includes(stage)) {
      say(board, board.getAttribute("data-refused-text") || "");
      return;
    }
    const form = card.querySelector("[data-board-move-form]");
    const select = form === null ? null : form.querySelector("select[name=stage_id]");
    if (select === null) {
      return;
    }
    select.value = stage;
    card.classList.add("is-moving");
    form.requestSubmit();
  }

  document.addEventListener("pointerdown", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (drag !== null || target === null || !event.isPrimary || event.button !== 0) {
      return;
    }
    const card = target.closest("[data-board-card]");
    const board = card === null ? null : card.closest("[data-board]");
    if (board === null || targetsOf(card).length === 0) {
      return;
    }
    const grip = target.closest("[data-board-grip]");
    // A finger on the card (not on its handle) scrolls the board; links and the menu keep their own behaviour.
    if (grip === null && (event.pointerType !== "mouse" || target.closest("a, button, select, input, summary, label"))) {
      return;
    }
    if (grip !== null) {
      event.preventDefault();
    }
    drag = { card, board, pointerId: event.pointerId, startX: event.clientX, startY: event.clientY, started: false, over: null };
  });

  document.addEventListener("pointermove", (event) => {
    if (drag === null || event.pointerId !== drag.pointerId) {
      return;
    }
    if (!drag.started) {
      if (Math.hypot(event.clientX - drag.startX, event.clientY - drag.startY) < THRESHOLD) {
        return;
      }
      start(event);
    }
    event.preventDefault();
    follow(event.clientX, event.clientY);
  });

  document.addEventListener("pointerup", (event) => {
    if (drag !== null && event.pointerId === drag.pointerId) {
      if (drag.started) {
        follow(event.clientX, event.clientY);
      }
      finish(true);
    }
  });

  document.addEventListener("pointercancel", (event) => {
    if (drag !== null && event.pointerId === drag.pointerId) {
      finish(false);
    }
  });

  document.addEventListener("keydown", (event) => {
    if (drag !== null && event.key === "Escape") {
      finish(false);
    }
  });

  // The browser's own drag of a link or a text selection would fight the card's.
  document.addEventListener("dragstart", (event) => {
    if (event.target instanceof Element && event.target.closest("[data-board]")) {
      event.preventDefault();
    }
  });

  // The click that ends a drag is not a click on the card's title.
  document.addEventListener(
    "click",
    (event) => {
      if (swallowClick) {
        event.preventDefault();
        event.stopPropagation();
      }
    },
    true,
  );
})();
