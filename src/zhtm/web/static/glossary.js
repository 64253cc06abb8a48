// Glossary review: the entries with their evidence; accept, reject, edit, merge; save TBX.
"use strict";

(() => {
  const { api, el, status, typing, debounce, ready } = zhtm;
  const PAGE = 200;
  const body = document.body;
  const state = {
    doc: body.dataset.doc ? Number(body.dataset.doc) : null,
    query: "", status: "all", sort: "rank", offset: 0, total: 0,
    entries: [], focus: 0, editing: null, selected: new Map(),
  };
  const tbody = document.getElementById("entries");

  async function start() {
    try {
      if (state.doc === null) {
        const doc = await api("/api/glossary/open", { method: "POST", body: { path: body.dataset.path } });
        state.doc = doc.id;
        history.replaceState(null, "", `/glossary/${doc.id}`);
      }
      await Promise.all([loadDoc(), loadPage()]);
      render();
      ready();
    } catch (error) {
      tbody.replaceChildren(el("tr", {}, el("td", { colspan: 8, class: "error" }, error.message)));
      status(error.message, "error");
    }
  }

  async function loadDoc() {
    const doc = await api(`/api/glossary/${state.doc}`);
    document.getElementById("doc-name").textContent = doc.name;
    document.title = `${doc.name} · glossary review · zhtm`;
    showSummary(doc.summary);
  }

  function showSummary(s) {
    document.getElementById("summary").textContent =
      `${s.entries} entries · ${s.accepted} accepted (${s.edited} edited) · ${s.rejected} rejected · ${s.pending} pending`;
  }

  async function loadPage() {
    const page = await api(`/api/glossary/${state.doc}/entries`, {
      params: { q: state.query, status: state.status, sort: state.sort, offset: state.offset, limit: PAGE },
    });
    state.entries = page.entries;
    state.total = page.total;
    state.focus = Math.min(state.focus, Math.max(0, state.entries.length - 1));
  }

  // --- rendering ---------------------------------------------------------------------

  function statusBadge(e) {
    const text = { pending: "pending", accepted: "✓ accepted", rejected: "✗ rejected" }[e.status];
    return el("span", { class: `badge st-${e.status}` }, text, e.edited ? " ✎" : "");
  }

  function editor(e) {
    const input = (name, value, label) => el("label", {}, label,
      el("input", { type: "text", name, value, "data-field": name, autocomplete: "off" }));
    return el("td", { colspan: 6, class: "editor" },
      el("form", { class: "edit-form", dataset: { id: String(e.id) } },
        el("div", { class: "edit-zh", lang: "zh-CN" }, e.zh),
        input("en", e.en, "English"),
        input("variants", e.variants.join(" | "), "Variants (separated by | )"),
        input("definition", e.definition, "Definition"),
        input("note", e.note, "Note"),
        el("div", { class: "edit-buttons" },
          el("button", { type: "submit", class: "primary" }, "Save ", el("kbd", {}, "Enter")),
          el("button", { type: "button", "data-cancel": "1" }, "Cancel ", el("kbd", {}, "Esc")))));
  }

  function row(e, index) {
    const selected = state.selected.has(e.id);
    const cls = `entry st-${e.status}${index === state.focus ? " focus" : ""}${selected ? " selected" : ""}`;
    const check = el("input", { type: "checkbox", "aria-label": "select for merging", dataset: { select: String(e.id) } });
    check.checked = selected;
    if (state.editing === e.id) {
      return el("tr", { class: cls, dataset: { index: String(index), id: String(e.id) } },
        el("td", {}, check), el("td", { class: "num" }, `${e.rank}`), editor(e),
        el("td", {}, statusBadge(e)));
    }
    return el("tr", { class: cls, dataset: { index: String(index), id: String(e.id) } },
      el("td", {}, check),
      el("td", { class: "num" }, `${e.rank}`),
      el("td", { class: "term-zh", lang: "zh-CN" }, e.zh),
      el("td", { class: "term-en" },
        el("div", { class: "en-main" }, e.en || "—"),
        e.variants.length ? el("div", { class: "variants" }, e.variants.join(" · ")) : null),
      el("td", { class: "freq" }, `${e.frequency}`),
      el("td", { class: "context" },
        e.zh_context ? el("div", { lang: "zh-CN" }, e.zh_context) : null,
        e.en_context ? el("div", { class: "muted" }, e.en_context) : null,
        e.location ? el("div", { class: "loc muted" }, e.location) : null),
      el("td", { class: "definition" }, e.definition || "", e.note ? el("div", { class: "muted" }, e.note) : null),
      el("td", {}, statusBadge(e)));
  }

  function render() {
    tbody.replaceChildren(...state.entries.map(row));
    const last = Math.min(state.offset + state.entries.length, state.total);
    document.getElementById("page-info").textContent =
      state.total ? `${state.offset + 1}–${last} of ${state.total}` : "no entry";
    document.getElementById("prev-page").disabled = state.offset === 0;
    document.getElementById("next-page").disabled = last >= state.total;
    const focusRow = tbody.querySelector("tr.focus");
    if (focusRow) focusRow.scrollIntoView({ block: "nearest" });
    if (state.editing !== null) {
      const first = tbody.querySelector('.edit-form input[data-field="en"]');
      if (first) first.focus();
    }
  }

  function setFocus(index) {
    state.focus = Math.max(0, Math.min(index, state.entries.length - 1));
    for (const tr of tbody.children) tr.classList.toggle("focus", Number(tr.dataset.index) === state.focus);
    const focusRow = tbody.querySelector("tr.focus");
    if (focusRow) focusRow.scrollIntoView({ block: "nearest" });
  }

  // --- actions -----------------------------------------------------------------------

  const focused = () => state.entries[state.focus];
  const post = (path, payload) => () => api(`/api/glossary/${state.doc}${path}`, { method: "POST", body: payload });

  // Actions run one after another: keys typed while a change is on its way wait for it.
  let queue = Promise.resolve();
  function enqueue(action) {
    queue = queue.then(action).catch((error) => status(error.message, "error"));
    return queue;
  }

  async function change(what, request) {
    try {
      const result = await request();
      showSummary(result.summary);
      const keep = result.changed[0] ? result.changed[0].id : null;
      for (const id of result.removed) state.selected.delete(id);
      state.editing = null;
      await loadPage();
      const index = state.entries.findIndex((e) => e.id === keep);
      if (index >= 0) state.focus = index;
      render();
      status(`${what}: saved`);
    } catch (error) {
      status(error.message, "error");
      if (error.status === 409) { state.editing = null; await loadPage(); render(); }
    }
  }

  function setStatus(newStatus, label) {
    const e = focused();
    return e ? change(label, post(`/entries/${e.id}/status`, { rev: e.rev, status: newStatus })) : null;
  }

  function startEdit() {
    const e = focused();
    if (!e) return;
    state.editing = e.id;
    render();
  }

  function saveEdit(form) {
    const id = Number(form.dataset.id);
    const e = state.entries.find((x) => x.id === id);
    const field = (name) => form.querySelector(`[data-field="${name}"]`).value;
    return change("edited", post(`/entries/${id}/edit`, {
      rev: e.rev, en: field("en"), definition: field("definition"), note: field("note"),
      variants: field("variants").split("|").map((v) => v.trim()).filter(Boolean),
    }));
  }

  function toggleSelect(entry) {
    if (!entry) return;
    if (state.selected.has(entry.id)) state.selected.delete(entry.id);
    else state.selected.set(entry.id, entry.rev);
    render();
  }

  function merge() {
    const e = focused();
    if (!e) return;
    const others = {};
    for (const [id, rev] of state.selected) if (id !== e.id) others[id] = rev;
    if (Object.keys(others).length === 0) {
      status("select the entries to merge (x), then press m on the one to keep", "error");
      return;
    }
    return change("merged", post(`/entries/${e.id}/merge`, { rev: e.rev, others }));
  }

  async function reload(resetFocus = true) {
    state.offset = resetFocus ? 0 : state.offset;
    if (resetFocus) state.focus = 0;
    await loadPage();
    render();
  }

  async function page(delta) {
    const next = state.offset + delta * PAGE;
    if (next < 0 || next >= state.total) return;
    state.offset = next;
    state.focus = 0;
    await loadPage();
    render();
  }

  // --- save --------------------------------------------------------------------------

  const dialog = document.getElementById("save-dialog");
  function openSave() {
    document.getElementById("save-result").textContent = "";
    dialog.showModal();
    document.getElementById("save-path").focus();
  }
  document.getElementById("save-cancel").addEventListener("click", () => dialog.close());
  document.getElementById("save-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const out = document.getElementById("save-result");
    try {
      const path = document.getElementById("save-path").value.trim();
      const result = await api(`/api/glossary/${state.doc}/save`, { method: "POST", body: { path: path || null } });
      out.textContent = `Wrote ${result.path}: ${result.written} entries (rejected ones left out; zhtm terms --keep ${result.path} keeps these decisions).`;
      out.className = "ok";
      status(`saved ${result.path}`);
    } catch (error) {
      out.textContent = error.message;
      out.className = "error";
    }
  });

  // --- events ------------------------------------------------------------------------

  const actions = {
    accept: () => setStatus("accepted", "accepted"),
    reject: () => {
      const e = focused();
      if (!e) return null;
      const back = e.status === "rejected";
      return setStatus(back ? "pending" : "rejected", back ? "back to pending" : "rejected");
    },
    edit: startEdit,
    select: () => toggleSelect(focused()),
    merge,
    undo: () => change("undone", post("/undo", {})),
    save: openSave,
  };

  document.querySelector(".toolbar").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-act]");
    if (button && actions[button.dataset.act]) enqueue(actions[button.dataset.act]);
  });

  tbody.addEventListener("click", (event) => {
    const check = event.target.closest("input[data-select]");
    const tr = event.target.closest("tr[data-index]");
    if (event.target.closest("[data-cancel]")) { state.editing = null; render(); return; }
    if (check) {
      const entry = state.entries.find((x) => x.id === Number(check.dataset.select));
      toggleSelect(entry);
      return;
    }
    if (tr && state.editing === null) setFocus(Number(tr.dataset.index));
  });

  tbody.addEventListener("submit", (event) => {
    event.preventDefault();
    enqueue(() => saveEdit(event.target));
  });

  tbody.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && state.editing !== null) {
      event.preventDefault();
      state.editing = null;
      render();
    }
  });

  const query = document.getElementById("query");
  query.addEventListener("input", debounce(() => { state.query = query.value; reload(); }, 200));
  query.addEventListener("keydown", (event) => {
    if (event.key === "Escape" || event.key === "Enter") { event.preventDefault(); query.blur(); }
  });
  document.getElementById("status-filter").addEventListener("change", (e) => { state.status = e.target.value; reload(); });
  document.getElementById("sort").addEventListener("change", (e) => { state.sort = e.target.value; reload(); });
  document.getElementById("prev-page").addEventListener("click", () => page(-1));
  document.getElementById("next-page").addEventListener("click", () => page(1));

  const keys = {
    j: () => setFocus(state.focus + 1), ArrowDown: () => setFocus(state.focus + 1),
    k: () => setFocus(state.focus - 1), ArrowUp: () => setFocus(state.focus - 1),
    a: actions.accept, r: actions.reject, e: actions.edit, x: actions.select, m: merge,
    u: actions.undo, n: () => page(1), p: () => page(-1), S: openSave,
    "/": () => query.focus(),
  };
  document.addEventListener("keydown", (event) => {
    if (typing(event) || dialog.open || event.altKey || event.metaKey) return;
    if (event.ctrlKey) {
      if (event.key === "z") { event.preventDefault(); enqueue(actions.undo); }
      return;
    }
    const action = keys[event.key];
    if (action) { event.preventDefault(); enqueue(action); }
  });

  start();
})();
