/* Reading modes, filters by kind, notes opened at their marker, "Cite".
 *
 * Loaded deferred on the article's pages only (ext/reading_modes.py). The
 * reader's choice is applied before the first paint by a few lines in the
 * page's <head>, as two attributes of <html>: data-reading ("text" or
 * "open"; absent = Annotated) and data-hide-kinds (the hidden kinds,
 * space-separated); edition.css does the rest. This script keeps the
 * choice: the control shows it, changes write it back to <html>, to
 * localStorage and to the URL (?mode=text&kinds=context,fact-check).
 *
 * Without scripts the page is Annotated: every disclosure is native, and
 * Chromium opens the ones around a #note-… target by itself.
 */
(function () {
  "use strict";

  var KEY = "edition-reading";
  var KINDS = ["context", "fact-check", "since-publication", "term"];
  var root = document.documentElement;
  var form = document.querySelector("form.reading-form");

  function state() {
    var hidden = (root.dataset.hideKinds || "").split(" ");
    return {
      mode: root.dataset.reading || "annotated",
      kinds: KINDS.filter(function (kind) { return hidden.indexOf(kind) < 0; })
    };
  }

  /** Every disclosure of the notes: open in "All notes open", closed otherwise. */
  function openAll(open) {
    var all = document.querySelectorAll("details.note-group, details.note-body");
    for (var i = 0; i < all.length; i++) {
      all[i].open = open;
    }
  }

  /** Put the choice on <html>, in the control, the URL and localStorage. */
  function apply(next, remember) {
    var before = state().mode;
    if (next.mode === "annotated") {
      delete root.dataset.reading;
    } else {
      root.dataset.reading = next.mode;
    }
    var hidden = KINDS.filter(function (kind) { return next.kinds.indexOf(kind) < 0; });
    if (hidden.length) {
      root.dataset.hideKinds = hidden.join(" ");
    } else {
      delete root.dataset.hideKinds;
    }
    if (next.mode === "open" || before === "open") {
      openAll(next.mode === "open");
    }
    if (form) {
      form.elements["reading-mode"].value = next.mode;
      var boxes = form.querySelectorAll("input[name='reading-kind']");
      for (var i = 0; i < boxes.length; i++) {
        boxes[i].checked = next.kinds.indexOf(boxes[i].value) >= 0;
      }
    }
    var url = new URL(location.href);
    url.searchParams.delete("mode");
    url.searchParams.delete("kinds");
    if (next.mode !== "annotated") {
      url.searchParams.set("mode", next.mode);
    }
    if (hidden.length) {
      url.searchParams.set("kinds", next.kinds.join(","));
    }
    history.replaceState(history.state, "", url.href.replace(/%2C/g, ","));
    if (remember) {
      try {
        localStorage.setItem(KEY, JSON.stringify({ mode: next.mode, kinds: hidden.length ? next.kinds.join(",") : undefined }));
      } catch (error) {
        // Storage refused (private mode): the choice holds for this page.
      }
    }
  }

  function onFormChange() {
    var kinds = [];
    var before = state().kinds;
    var boxes = form.querySelectorAll("input[name='reading-kind']");
    for (var i = 0; i < boxes.length; i++) {
      // A kind this page has no note of keeps the reader's earlier choice.
      if (boxes[i].disabled ? before.indexOf(boxes[i].value) >= 0 : boxes[i].checked) {
        kinds.push(boxes[i].value);
      }
    }
    apply({ mode: form.elements["reading-mode"].value, kinds: kinds }, true);
  }

  /** The URL's target note: shown whole, in view, even if its kind was hidden. */
  function revealTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var note = id && document.getElementById(id);
    if (!note || !note.classList.contains("footnote")) {
      return;
    }
    var now = state();
    var kind = KINDS.filter(function (k) { return note.classList.contains("kind-" + k); })[0];
    if (now.mode === "text" || (kind && now.kinds.indexOf(kind) < 0)) {
      apply({ mode: now.mode === "text" ? "annotated" : now.mode,
              kinds: kind && now.kinds.indexOf(kind) < 0 ? now.kinds.concat([kind]) : now.kinds }, true);
    }
    var group = note.closest("details.note-group");
    var body = note.querySelector("details.note-body");
    if (group) group.open = true;
    if (body) body.open = true;
    var box = note.getBoundingClientRect();
    if (box.top < 0 || box.top > innerHeight - 40) {
      note.scrollIntoView({ block: "start" });
    }
  }

  // -- Cite -----------------------------------------------------------------

  var dialog = document.querySelector("dialog.cite-dialog");
  var dataNode = document.getElementById("cite-data");
  var data = dataNode ? JSON.parse(dataNode.textContent) : null;
  var opener = null;

  function fill(template, values) {
    return template.replace(/\{(name|title|key|address)\}/g, function (match, name) {
      return values[name];
    });
  }

  function openCite(button) {
    var passage = data && data.passages[button.getAttribute("data-cite")];
    if (!passage || !dialog) {
      return;
    }
    var values = {
      name: passage.name,
      title: passage.title,
      key: passage.key,
      address: passage.address || location.href.split(/[?#]/)[0] + "#" + passage.anchor
    };
    var forms = data.forms[passage.kind];
    ["text", "bibtex", "ris"].forEach(function (form) {
      dialog.querySelector("#cite-" + form).value = fill(forms[form], values);
    });
    dialog.querySelector("#cite-dialog-title").textContent = "Cite " + passage.name;
    dialog.querySelector(".cite-dialog-note").textContent = passage.address
      ? ""
      : "The address is the one this page was opened at.";
    dialog.querySelector(".cite-status").textContent = "";
    opener = button;
    dialog.showModal();
    dialog.querySelector("#cite-text").focus();
  }

  function copy(button) {
    var field = document.getElementById(button.getAttribute("data-copy"));
    var status = dialog.querySelector(".cite-status");
    var done = function () { status.textContent = "Copied."; };
    field.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {
        status.textContent = "Select the text and copy it (Ctrl+C).";
      });
    } else {
      status.textContent = document.execCommand("copy") ? "Copied." : "Select the text and copy it (Ctrl+C).";
    }
  }

  if (dialog) {
    dialog.addEventListener("close", function () {
      if (opener) {
        opener.focus();
        opener = null;
      }
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog || event.target.closest(".cite-close")) {
        dialog.close();
      } else if (event.target.closest(".cite-copy")) {
        copy(event.target.closest(".cite-copy"));
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.cite-button");
    if (button) {
      openCite(button);
    }
  });

  if (form) {
    form.addEventListener("change", onFormChange);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
  }
  apply(state(), /[?&](mode|kinds)=/.test(location.search));
  revealTarget();
  window.addEventListener("hashchange", revealTarget);
})();
