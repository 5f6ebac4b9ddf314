/* Previews of the annotated edition.
 *
 * Hovering or keyboard-focusing an annotation marker, a citation or a glossary
 * term shows its text in a small popup, so the reader need not leave the
 * paragraph. What is previewed:
 *
 *   a.footnote-reference           the note it points to (aside#note-<label>)
 *   span.bibtex-citation a[title]  the full entry, from the link's title
 *   a[data-preview], a glossary term link with a title (span.std-term inside)
 *
 * Everything stays reachable without this script: notes stand beside their
 * paragraph (or open with :target on narrow screens) and links lead to the
 * bibliography and the glossary. The popup is one element, role="tooltip",
 * positioned absolutely so that nothing else moves; the trigger points to it
 * with aria-describedby while it is shown. Escape hides it.
 */
(function () {
  "use strict";

  var POPUP_ID = "edition-preview";
  var SHOW_DELAY = 120; // ms of hover before showing: moving across text is not asking
  var HIDE_DELAY = 200; // ms of grace to move the pointer from the trigger onto the popup
  var GAP = 6; // px between the trigger and the popup

  var popup = null;
  var current = null; // the trigger whose preview is shown
  var dismissed = null; // the trigger whose preview Escape closed
  var showTimer = 0;
  var hideTimer = 0;

  /** The trigger that `node` is or lies in, or null. */
  function triggerOf(node) {
    if (!node || node.nodeType !== 1) {
      return null;
    }
    var link = node.closest("a");
    if (!link) {
      return null;
    }
    if (link.classList.contains("footnote-reference")) {
      return noteOf(link) ? link : null;
    }
    if (link.hasAttribute("data-preview")) {
      return link;
    }
    return null;
  }

  /** The note an annotation marker points to, on this page. */
  function noteOf(marker) {
    var href = marker.getAttribute("href") || "";
    if (href.charAt(0) !== "#" || href.length < 2) {
      return null;
    }
    var note = document.getElementById(decodeURIComponent(href.slice(1)));
    return note && note.classList.contains("footnote") ? note : null;
  }

  /** Move title attributes into data-preview: no native tooltip over ours. */
  function adoptTitles() {
    var links = document.querySelectorAll(
      "span.bibtex-citation a[title], a[title] > span.std-term, a[title] span.std-term"
    );
    for (var i = 0; i < links.length; i++) {
      var link = links[i].closest("a");
      if (!link.hasAttribute("data-preview")) {
        link.setAttribute("data-preview", link.getAttribute("title"));
      }
      link.removeAttribute("title");
    }
  }

  /** The note's content, as text and inert markup: no ids, no links. */
  function noteContent(note) {
    var fragment = document.createDocumentFragment();
    // A folded note (ext/reading_modes.py): its kind line and text, unfolded.
    var parts = [];
    for (var n = 0; n < note.children.length; n++) {
      var part = note.children[n];
      parts = parts.concat(part.matches("details.note-body") ? [].slice.call(part.children) : [part]);
    }
    for (var i = 0; i < parts.length; i++) {
      var child = parts[i];
      if (child.classList.contains("label") || child.classList.contains("note-cite")) {
        continue; // the number and its back-link; the "Cite" button
      }
      var copy = child.cloneNode(true);
      if (child.tagName === "SUMMARY") {
        copy = document.createElement("p");
        copy.innerHTML = child.innerHTML;
      }
      var marked = copy.querySelectorAll("[id]");
      copy.removeAttribute("id");
      for (var j = 0; j < marked.length; j++) {
        marked[j].removeAttribute("id");
      }
      var links = copy.querySelectorAll("a");
      for (var k = 0; k < links.length; k++) {
        var span = document.createElement("span");
        span.className = "edition-preview-link";
        span.textContent = links[k].textContent;
        links[k].replaceWith(span);
      }
      fragment.appendChild(copy);
    }
    return fragment;
  }

  function ensurePopup() {
    if (!popup) {
      popup = document.createElement("div");
      popup.id = POPUP_ID;
      popup.className = "edition-preview";
      popup.setAttribute("role", "tooltip");
      popup.hidden = true;
      popup.addEventListener("pointerenter", function () {
        clearTimeout(hideTimer);
      });
      popup.addEventListener("pointerleave", function () {
        scheduleHide();
      });
      document.body.appendChild(popup);
    }
    return popup;
  }

  /** Place the popup below the trigger, or above when there is no room below. */
  function place(trigger) {
    var rect = trigger.getBoundingClientRect();
    var viewWidth = document.documentElement.clientWidth;
    var width = popup.offsetWidth;
    var height = popup.offsetHeight;
    var left = Math.min(Math.max(rect.left - 16, 8), Math.max(8, viewWidth - width - 8));
    var top = rect.bottom + GAP;
    if (top + height > window.innerHeight - 8 && rect.top - GAP - height >= 8) {
      top = rect.top - GAP - height;
    }
    popup.style.left = left + window.scrollX + "px";
    popup.style.top = top + window.scrollY + "px";
  }

  function show(trigger) {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    if (trigger === dismissed) {
      return;
    }
    if (current && current !== trigger) {
      hide();
    }
    ensurePopup();
    popup.textContent = "";
    if (trigger.classList.contains("footnote-reference")) {
      popup.className = "edition-preview edition-preview-note";
      popup.appendChild(noteContent(noteOf(trigger)));
    } else {
      popup.className = "edition-preview";
      var paragraph = document.createElement("p");
      paragraph.textContent = trigger.getAttribute("data-preview");
      popup.appendChild(paragraph);
    }
    popup.hidden = false;
    place(trigger);
    current = trigger;
    var described = trigger.getAttribute("aria-describedby");
    if (!described || described.split(/\s+/).indexOf(POPUP_ID) < 0) {
      trigger.setAttribute("aria-describedby", ((described || "") + " " + POPUP_ID).trim());
    }
  }

  function hide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    if (!current) {
      return;
    }
    var described = (current.getAttribute("aria-describedby") || "")
      .split(/\s+/)
      .filter(function (id) {
        return id && id !== POPUP_ID;
      });
    if (described.length) {
      current.setAttribute("aria-describedby", described.join(" "));
    } else {
      current.removeAttribute("aria-describedby");
    }
    popup.hidden = true;
    current = null;
  }

  function scheduleHide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, HIDE_DELAY);
  }

  function focusVisible(element) {
    try {
      return element.matches(":focus-visible");
    } catch (error) {
      return true; // a browser without :focus-visible: every focus counts
    }
  }

  function onPointerOver(event) {
    if (event.pointerType !== "mouse") {
      return; // a tap follows the link: on a narrow screen the note opens in place
    }
    var trigger = triggerOf(event.target);
    if (trigger) {
      if (trigger === dismissed && !trigger.contains(event.relatedTarget)) {
        dismissed = null; // the pointer comes back: a new request
      }
      clearTimeout(hideTimer);
      if (trigger !== current) {
        clearTimeout(showTimer);
        showTimer = setTimeout(function () {
          show(trigger);
        }, SHOW_DELAY);
      }
    }
  }

  function onPointerOut(event) {
    if (event.pointerType !== "mouse") {
      return;
    }
    var trigger = triggerOf(event.target);
    if (trigger && !trigger.contains(event.relatedTarget)) {
      if (dismissed === trigger) {
        dismissed = null;
      }
      if (trigger === current) {
        scheduleHide();
      } else {
        clearTimeout(showTimer);
      }
    }
  }

  function onFocusIn(event) {
    var trigger = triggerOf(event.target);
    if (trigger && focusVisible(trigger)) {
      show(trigger);
    }
  }

  function onFocusOut(event) {
    var trigger = triggerOf(event.target);
    if (trigger) {
      if (dismissed === trigger) {
        dismissed = null;
      }
      if (trigger === current) {
        hide();
      }
    }
  }

  function onKeyDown(event) {
    if (event.key === "Escape" && current) {
      dismissed = current;
      hide();
    }
  }

  function onClick(event) {
    // Following a marker brings the note itself into view.
    var trigger = triggerOf(event.target);
    if (trigger && trigger === current && trigger.classList.contains("footnote-reference")) {
      hide();
    }
  }

  adoptTitles();
  document.addEventListener("pointerover", onPointerOver);
  document.addEventListener("pointerout", onPointerOut);
  document.addEventListener("focusin", onFocusIn);
  document.addEventListener("focusout", onFocusOut);
  document.addEventListener("keydown", onKeyDown);
  document.addEventListener("click", onClick);
  window.addEventListener("resize", hide);
})();
