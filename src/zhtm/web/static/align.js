// Alignment review: beads side by side, keyboard actions, the clickable alignment path.
"use strict";

(() => {
  const { api, el, status, typing, ready } = zhtm;
  const PAGE = 200;
  const body = document.body;
  const state = {
    doc: body.dataset.doc ? Number(body.dataset.doc) : null,
    order: "document", filter: "all", offset: 0, total: 0,
    beads: [], focus: 0, split: null, path: null,
  };
  const beadsBox = document.getElementById("beads");
  const svg = document.getElementById("path");

  // --- loading -----------------------------------------------------------------------

  async function start() {
    try {
      if (state.doc === null) {
        status("Opening… (a bilingual text is aligned first)");
        // A TMX: only the first page's TUs are read now, the rest right after (readRest).
        const doc = await api("/api/align/open", { method: "POST", body: { path: body.dataset.path, first: PAGE } });
        state.doc = doc.id;
        history.replaceState(null, "", `/align/${doc.id}`);
      }
      const hash = new URLSearchParams(location.hash.slice(1));
      if (hash.get("order") === "weakest") state.order = "weakest";
      document.getElementById("order").value = state.order;
      const [, doc] = await Promise.all([loadPage(), loadDoc(), loadPath()]);
      render();
      ready();
      if (doc.complete === false) {
        readRest().catch((error) => status(error.message, "error"));
      } else {
        body.dataset.complete = "1";
        status(`${state.total} beads: j/k to move, c to confirm, x not a translation, m merge, s split`);
      }
    } catch (error) {
      beadsBox.replaceChildren(el("p", { class: "error" }, error.message));
      status(error.message, "error");
    }
  }

  async function loadDoc() {
    const doc = await api(`/api/align/${state.doc}`);
    document.getElementById("doc-name").textContent = `${doc.name}`;
    document.title = `${doc.name} · alignment review · zhtm`;
    showSummary(doc.summary);
    return doc;
  }

  // The rest of a TMX opened with its first page: counts, pager and picture follow. Keys
  // work meanwhile on the beads shown (the server appends the rest in one short write); the
  // redraw waits its turn after them, so it never shows a page older than their changes.
  async function readRest() {
    status("Reading the rest of the file… (the beads shown can be reviewed already)");
    await api(`/api/align/${state.doc}/load`, { method: "POST" });
    return enqueue(async () => {
      const shown = pageKey();
      await Promise.all([loadPage(), loadPath(), loadDoc()]);
      if (pageKey() === shown) {  // the beads shown are the same: counts and picture only
        renderPager();
        drawPath();
      } else {
        render();
      }
      body.dataset.complete = "1";
      status(`${state.total} beads: j/k to move, c to confirm, x not a translation, m merge, s split`);
    });
  }

  function showSummary(s) {
    document.getElementById("summary").textContent =
      `${s.beads} beads · ${s.confirmed} confirmed · ${s.edited} edited · ${s.rejected} not a translation · ${s.pending} to review (${s.weak} weak)`;
  }

  async function loadPage() {
    const page = await api(`/api/align/${state.doc}/beads`, {
      params: { order: state.order, status: state.filter, offset: state.offset, limit: PAGE },
    });
    if (page.beads.length === 0 && state.offset > 0 && page.total > 0) {
      state.offset = Math.max(0, Math.floor((page.total - 1) / PAGE) * PAGE);
      return loadPage();
    }
    state.beads = page.beads;
    state.total = page.total;
    state.focus = Math.min(state.focus, Math.max(0, state.beads.length - 1));
  }

  async function loadPath() {
    state.path = await api(`/api/align/${state.doc}/path`);
  }

  // --- rendering ---------------------------------------------------------------------

  function scoreClass(score) {
    if (score === null || score === undefined) return "c-unknown";
    if (score >= 0.7) return "c-good";
    if (score >= 0.5) return "c-fair";
    if (score >= 0.3) return "c-weak";
    return "c-bad";
  }

  function statusLabel(b) {
    if (b.status === "rejected") return ["✗ not a translation", "st-rejected"];
    if (b.status === "confirmed") return ["✓ confirmed", "st-confirmed"];
    if (b.edited) return ["✎ edited", "st-edited"];
    return ["pending", "st-pending"];
  }

  function sentences(list, lang, index) {
    // A split in progress shows its cut (after the first `cut` sentences) as a line.
    const cut = state.split && state.split.index === index ? state.split[lang] : null;
    const cells = [];
    for (let i = 0; i <= list.length; i++) {
      if (cut === i) cells.push(el("div", { class: "cut" }, "✂"));
      if (i < list.length) {
        cells.push(el("div", {
          class: "sent", lang: lang === "zh" ? "zh-CN" : "en", dataset: { lang, i: String(i) },
        }, list[i]));
      }
    }
    if (list.length === 0) cells.push(el("div", { class: "sent empty" }, "—"));
    return cells;
  }

  function beadRow(b, index) {
    const [label, cls] = statusLabel(b);
    const score = b.score === null ? "—" : b.score.toFixed(2);
    const bar = el("span", { class: `bar ${scoreClass(b.score)}` });
    bar.style.width = `${Math.round((b.score === null ? 1 : Math.max(0.04, b.score)) * 100)}%`;
    return el("div", {
      class: `bead ${cls}${index === state.focus ? " focus" : ""}${state.split && state.split.index === index ? " splitting" : ""}`,
      dataset: { index: String(index), id: String(b.id) },
      "aria-selected": index === state.focus ? "true" : "false",
    },
    el("div", { class: "num" }, `${b.position + 1}`),
    el("div", { class: "zh" }, ...sentences(b.zh, "zh", index)),
    el("div", { class: "en" }, ...sentences(b.en, "en", index)),
    el("div", { class: "meta" },
      el("span", { class: "kind", title: "bead type: Chinese-English sentences" }, b.kind),
      el("span", { class: "score", title: "aligner confidence" }, score),
      el("span", { class: "bar-box" }, bar),
      el("span", { class: "badge" }, label),
      el("span", { class: "loc muted" }, b.location)));
  }

  function render() {
    beadsBox.replaceChildren(...state.beads.map(beadRow));
    renderPager();
    drawPath();
    scrollToFocus();
  }

  function renderPager() {
    const last = Math.min(state.offset + state.beads.length, state.total);
    document.getElementById("page-info").textContent =
      state.total ? `${state.offset + 1}–${last} of ${state.total}` : "no bead";
    document.getElementById("prev-page").disabled = state.offset === 0;
    document.getElementById("next-page").disabled = last >= state.total;
  }

  const pageKey = () => state.beads.map((b) => `${b.id}:${b.rev}`).join(",");

  function scrollToFocus() {
    const row = beadsBox.querySelector(".bead.focus");
    if (row) row.scrollIntoView({ block: "nearest" });
  }

  function setFocus(index) {
    const rows = beadsBox.children;
    if (rows[state.focus]) {
      rows[state.focus].classList.remove("focus");
      rows[state.focus].setAttribute("aria-selected", "false");
    }
    state.focus = index;
    if (rows[index]) {
      rows[index].classList.add("focus");
      rows[index].setAttribute("aria-selected", "true");
    }
    drawMarker();
    scrollToFocus();
  }

  // --- the alignment path ------------------------------------------------------------

  function drawPath() {
    if (!state.path) return;
    const { zh_sentences: m, en_sentences: n, beads } = state.path;
    svg.setAttribute("viewBox", `0 0 ${Math.max(m, 1)} ${Math.max(n, 1)}`);
    svg.setAttribute("preserveAspectRatio", "none");
    const groups = {};
    for (const [, zs, ze, es, ee, score, st] of beads) {
      const cls = st === "rejected" ? "c-rejected" : st === "reviewed" ? "c-reviewed" : scoreClass(score);
      (groups[cls] = groups[cls] || []).push(`M${zs} ${es}L${Math.max(ze, zs + 0.15)} ${Math.max(ee, es + 0.15)}`);
    }
    const children = [el("rect", { svg: true, class: "frame", x: 0, y: 0, width: Math.max(m, 1), height: Math.max(n, 1) })];
    for (const [cls, parts] of Object.entries(groups)) {
      children.push(el("path", { svg: true, class: `seg ${cls}`, d: parts.join("") }));
    }
    // The focused bead: its own segment in black, with a crosshair through it.
    children.push(el("path", { svg: true, id: "path-cross", class: "cross", d: "" }));
    children.push(el("path", { svg: true, id: "path-marker", class: "marker", d: "" }));
    svg.replaceChildren(...children);
    drawMarker();
  }

  function drawMarker() {
    const marker = document.getElementById("path-marker");
    const cross = document.getElementById("path-cross");
    const b = state.beads[state.focus];
    if (!marker || !b || !state.path) return;
    const [zs, ze] = b.zh_range;
    const [es, ee] = b.en_range;
    const x = (zs + ze) / 2;
    const y = (es + ee) / 2;
    marker.setAttribute("d", `M${zs} ${es}L${Math.max(ze, zs + 0.15)} ${Math.max(ee, es + 0.15)}`);
    cross.setAttribute("d", `M${x} 0V${state.path.en_sentences}M0 ${y}H${state.path.zh_sentences}`);
  }

  function nearestBead(x, y) {
    let best = null;
    let bestDist = Infinity;
    for (const [id, zs, ze, es, ee] of state.path.beads) {
      const dx = x - Math.min(Math.max(x, zs), Math.max(ze, zs));
      const dy = y - Math.min(Math.max(y, es), Math.max(ee, es));
      const d = dx * dx + dy * dy;
      if (d < bestDist) { bestDist = d; best = id; }
    }
    return best;
  }

  svg.addEventListener("click", async (event) => {
    if (!state.path) return;
    const point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    const p = point.matrixTransform(svg.getScreenCTM().inverse());
    const id = nearestBead(p.x, p.y);
    if (id !== null) await jumpTo(id);
  });

  async function jumpTo(id) {
    const found = state.beads.findIndex((b) => b.id === id);
    if (found >= 0) { setFocus(found); return; }
    let where = await api(`/api/align/${state.doc}/locate/${id}`, { params: { order: state.order, status: state.filter } });
    if (where.index === null) {  // hidden by the filter: show everything
      state.filter = "all";
      document.getElementById("filter").value = "all";
      where = await api(`/api/align/${state.doc}/locate/${id}`, { params: { order: state.order, status: "all" } });
    }
    state.offset = Math.floor(where.index / PAGE) * PAGE;
    await loadPage();
    state.focus = state.beads.findIndex((b) => b.id === id);
    render();
  }

  // --- actions -----------------------------------------------------------------------

  const focused = () => state.beads[state.focus];

  async function neighbour(offset) {
    // The bead before/after the focused one in document order (may be on no loaded page).
    const b = focused();
    const beads = state.path.beads;
    const at = beads.findIndex((row) => row[0] === b.id);
    const other = beads[at + offset];
    if (!other) return null;
    const inPage = state.beads.find((x) => x.id === other[0]);
    if (inPage) return inPage;
    const page = await api(`/api/align/${state.doc}/beads`, { params: { order: "document", offset: at + offset, limit: 1 } });
    return page.beads[0] || null;
  }

  // Actions run one after another: keys typed while a change is on its way wait for it.
  let queue = Promise.resolve();
  function enqueue(action) {
    queue = queue.then(action).catch((error) => status(error.message, "error"));
    return queue;
  }

  async function change(what, request, keepId) {
    try {
      const result = await request();
      showSummary(result.summary);
      const target = keepId !== undefined ? keepId : (result.changed[0] ? result.changed[0].id : null);
      await Promise.all([loadPage(), loadPath()]);
      const index = state.beads.findIndex((b) => b.id === target);
      if (index >= 0) state.focus = index;
      state.split = null;
      render();
      status(`${what}: saved`);
    } catch (error) {
      status(error.message, "error");
      if (error.status === 409) {
        await Promise.all([loadPage(), loadPath(), loadDoc()]);
        render();
      }
    }
  }

  const post = (path, payload) => () => api(`/api/align/${state.doc}${path}`, { method: "POST", body: payload });

  function setStatus(newStatus, label) {
    const b = focused();
    if (!b) return;
    return change(label, post(`/beads/${b.id}/status`, { rev: b.rev, status: newStatus }), b.id);
  }

  async function merge(offset) {
    const b = focused();
    if (!b) return;
    const other = await neighbour(offset);
    if (!other) { status(offset > 0 ? "no next bead" : "no previous bead", "error"); return; }
    return change("merged", post(`/beads/${b.id}/merge`, { rev: b.rev, other: other.id, other_rev: other.rev }));
  }

  async function move(lang, direction) {
    const b = focused();
    if (!b) return;
    const lower = await neighbour(1);
    if (!lower) { status("no next bead", "error"); return; }
    return change(`sentence moved ${direction}`, post(`/beads/${b.id}/move`, {
      rev: b.rev, lower: lower.id, lower_rev: lower.rev, lang, direction,
    }), b.id);
  }

  function startSplit() {
    const b = focused();
    if (!b) return;
    const nz = b.zh.length;
    const ne = b.en.length;
    if (nz + ne < 2) { status("this bead has one sentence: nothing to split", "error"); return; }
    state.split = { index: state.focus, zh: nz > 1 ? 1 : nz, en: ne > 1 ? 1 : ne };
    if (state.split.zh === nz && state.split.en === ne) state.split.zh = 0;
    render();
    status("Split: ↑↓ Chinese cut, Shift+↑↓ English cut, Enter to split, Esc to cancel");
  }

  function moveCut(lang, delta) {
    const b = focused();
    const max = b[lang].length;
    state.split[lang] = Math.min(max, Math.max(0, state.split[lang] + delta));
    render();
  }

  function applySplit() {
    const b = focused();
    const { zh, en } = state.split;
    return change("split", post(`/beads/${b.id}/split`, { rev: b.rev, zh_at: zh, en_at: en }), b.id);
  }

  function undo() {
    return change("undone", post("/undo", {}));
  }

  async function switchOrder(order) {
    state.order = order;
    document.getElementById("order").value = order;
    history.replaceState(null, "", order === "weakest" ? "#order=weakest" : location.pathname);
    const keep = focused() ? focused().id : null;
    state.offset = 0;
    await loadPage();
    state.focus = 0;
    render();
    if (keep !== null && order === "document") await jumpTo(keep);
  }

  async function page(delta, focusLast = false) {
    const next = state.offset + delta * PAGE;
    if (next < 0 || next >= state.total) return false;
    state.offset = next;
    await loadPage();
    state.focus = focusLast ? state.beads.length - 1 : 0;
    render();
    return true;
  }

  async function step(delta) {
    const index = state.focus + delta;
    if (index >= 0 && index < state.beads.length) setFocus(index);
    else await page(delta, delta < 0);
  }

  // --- export ------------------------------------------------------------------------

  const dialog = document.getElementById("export-dialog");
  function openExport() {
    document.getElementById("export-result").textContent = "";
    dialog.showModal();
    document.getElementById("export-path").focus();
  }
  document.getElementById("export-cancel").addEventListener("click", () => dialog.close());
  document.getElementById("export-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const out = document.getElementById("export-result");
    out.textContent = "Exporting…";
    try {
      const path = document.getElementById("export-path").value.trim();
      const result = await api(`/api/align/${state.doc}/export`, {
        method: "POST", body: { path: path || null, update_store: document.getElementById("export-store").checked },
      });
      let text = `Wrote ${result.path}: ${result.written} TUs, ${result.reviewed} reviewed, ${result.rejected} left out as not a translation.`;
      if (result.store) text += ` Store: ${result.store.units} units (${result.store.new_units} new, ${result.store.removed_units} removed).`;
      out.textContent = text;
      out.className = "ok";
      status(`exported ${result.path}`);
    } catch (error) {
      out.textContent = error.message;
      out.className = "error";
    }
  });

  // --- keys and buttons --------------------------------------------------------------

  const actions = {
    confirm: () => setStatus("confirmed", "confirmed"),
    reject: () => {
      const b = focused();
      if (!b) return null;
      const back = b.status === "rejected";
      return setStatus(back ? "pending" : "rejected", back ? "back to pending" : "marked as not a translation");
    },
    "merge-next": () => merge(1),
    "merge-prev": () => merge(-1),
    split: () => (state.split ? applySplit() : startSplit()),
    "zh-up": () => move("zh", "up"),
    "zh-down": () => move("zh", "down"),
    "en-up": () => move("en", "up"),
    "en-down": () => move("en", "down"),
    undo,
    export: openExport,
  };

  document.querySelector(".toolbar").addEventListener("click", (event) => {
    const button = event.target.closest("button[data-act]");
    if (button && actions[button.dataset.act]) enqueue(actions[button.dataset.act]);
  });

  beadsBox.addEventListener("click", (event) => {
    const row = event.target.closest(".bead");
    if (!row) return;
    const index = Number(row.dataset.index);
    if (state.split && state.split.index === index) {
      const sent = event.target.closest(".sent[data-i]");
      if (sent) {
        state.split[sent.dataset.lang] = Number(sent.dataset.i) + 1;
        render();
      }
      return;
    }
    if (state.split) { state.split = null; render(); }
    setFocus(index);
  });

  document.getElementById("order").addEventListener("change", (e) => switchOrder(e.target.value));
  document.getElementById("filter").addEventListener("change", async (e) => {
    state.filter = e.target.value;
    state.offset = 0;
    state.focus = 0;
    await loadPage();
    render();
  });
  document.getElementById("prev-page").addEventListener("click", () => page(-1));
  document.getElementById("next-page").addEventListener("click", () => page(1));

  const keys = {
    j: () => step(1), ArrowDown: () => step(1), k: () => step(-1), ArrowUp: () => step(-1),
    c: actions.confirm, Enter: actions.confirm, x: actions.reject,
    m: actions["merge-next"], M: actions["merge-prev"], s: startSplit,
    "[": actions["zh-up"], "]": actions["zh-down"], "{": actions["en-up"], "}": actions["en-down"],
    u: undo, w: () => switchOrder(state.order === "document" ? "weakest" : "document"),
    n: () => page(1), p: () => page(-1), e: openExport,
  };

  const splitKeys = {
    ArrowUp: (shift) => moveCut(shift ? "en" : "zh", -1),
    ArrowDown: (shift) => moveCut(shift ? "en" : "zh", 1),
    Enter: applySplit, s: applySplit,
    Escape: () => { state.split = null; render(); status("split cancelled"); },
  };

  // What a key does depends on the state when its turn comes (after earlier keys' changes).
  function dispatch(key, shift, ctrl) {
    if (ctrl) return key === "z" ? undo() : null;
    if (state.split) return splitKeys[key] ? splitKeys[key](shift) : null;
    return keys[key] ? keys[key]() : null;
  }

  document.addEventListener("keydown", (event) => {
    if (typing(event) || dialog.open || event.altKey || event.metaKey) return;
    const { key, shiftKey, ctrlKey } = event;
    const known = ctrlKey ? key === "z" : (key in keys || key in splitKeys);
    if (!known) return;
    event.preventDefault();
    enqueue(() => dispatch(key, shiftKey, ctrlKey));
  });

  start();
})();
