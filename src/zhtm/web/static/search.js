// TM search: the match view and the concordance, as you type.
"use strict";

(() => {
  const { api, el, status, debounce, ready } = zhtm;
  const q = document.getElementById("q");
  const results = document.getElementById("results");
  const info = document.getElementById("search-info");
  let asked = 0;  // answers to older queries are dropped

  const mode = () => document.querySelector('input[name="mode"]:checked').value;

  function showOptions() {
    document.body.classList.toggle("mode-concord", mode() === "concord");
  }

  async function search() {
    const text = q.value.trim();
    const mine = ++asked;
    if (!text) {
      results.replaceChildren();
      info.textContent = "";
      return;
    }
    try {
      if (mode() === "match") {
        const data = await api("/api/match", { params: {
          q: text, k: document.getElementById("k").value, min: document.getElementById("min").value,
          termbase: document.getElementById("termbase").value,
        } });
        if (mine === asked) showMatches(data);
      } else {
        const data = await api("/api/concord", { params: { q: text, limit: 50, en: document.getElementById("en").checked } });
        if (mine === asked) showConcordance(data);
      }
    } catch (error) {
      if (mine !== asked) return;
      results.replaceChildren();
      info.textContent = error.message;
      info.className = "error";
    }
  }

  function diff(spans) {
    // TM source against the query, both sides of each change: [TM text→your text].
    return spans.flatMap((s) => {
      if (s.kind === "equal") return [document.createTextNode(s.tm)];
      const out = [];
      if (s.tm) out.push(el("mark", { class: "changed", title: "the TM's text, not in your sentence" }, s.tm));
      out.push(document.createTextNode("→"));
      if (s.query) out.push(el("ins", { class: "missing", title: "your text, not in the TM" }, s.query));
      return out;
    });
  }

  function origin(o) {
    const name = o.file.split(/[\\/]/).pop();
    return o.line ? `${name}:${o.line}` : name;
  }

  function numbersDiffer(p, what) {
    // Numbers that differ by value between the query (or its clause) and the match.
    const out = [];
    if (p && p.numbers_only_in_query && p.numbers_only_in_query.length) {
      out.push(`numbers only in your ${what}: ${p.numbers_only_in_query.join(", ")}`);
    }
    if (p && p.numbers_only_in_match && p.numbers_only_in_match.length) {
      out.push(`numbers only in the TM: ${p.numbers_only_in_match.join(", ")}`);
    }
    return out;
  }

  function showMatches(data) {
    info.className = "muted";
    info.textContent = data.matches.length ? `${data.matches.length} match(es)` : "no match at or above the lowest score";
    const cards = data.matches.map((m) => {
      const penalties = numbersDiffer(m.penalties, "sentence");
      const origins = m.origins.slice(0, 3).map(origin).join(", ") + (m.origins.length > 3 ? ` (+${m.origins.length - 3})` : "");
      return el("article", { class: "match" },
        el("div", { class: `pct ${m.score >= 95 ? "p-high" : m.score >= 75 ? "p-mid" : "p-low"}` }, `${m.score}%`),
        el("div", { class: "match-body" },
          el("div", { class: "src", lang: "zh-CN" }, ...diff(m.diff)),
          el("div", { class: "tgt", lang: "en" }, m.en),
          el("div", { class: "muted small" }, `from ${origins}`, m.count > 1 ? ` · ×${m.count}` : "",
            m.date ? ` · ${m.date}` : "", ` · #${m.id}`),
          penalties.length ? el("div", { class: "penalty" }, `! ${penalties.join("; ")}`) : null));
    });
    const blocks = [...cards];
    if (data.terms && data.terms.length) {
      blocks.push(el("section", { class: "terms" }, el("h2", {}, "Glossary terms"),
        el("ul", {}, ...data.terms.map((t) => el("li", {}, el("span", { lang: "zh-CN" }, t.zh), " = ", t.en.join(" / ") || "?")))));
    }
    if (Array.isArray(data.fragments) && data.fragments.length) {
      blocks.push(fragments(data));
    }
    results.replaceChildren(...blocks);
  }

  // Each clause of the query with the TM's best clause units (their English, the TU they
  // come from), then the clauses assembled, each with its best English.
  function fragments(data) {
    const items = data.fragments.map((f) => el("li", { class: "fragment" },
      el("div", { class: "clause", lang: "zh-CN" }, f.clause),
      f.matches.length === 0
        ? el("div", { class: "muted small" }, "no clause match at or above the lowest score")
        : el("ul", {}, ...f.matches.map((m) => el("li", { class: "fragment-match" },
          el("span", { class: `pct ${m.score >= 95 ? "p-high" : m.score >= 75 ? "p-mid" : "p-low"}` }, `${m.score}%`), " ",
          el("span", { class: "src", lang: "zh-CN" }, ...diff(m.diff)), " → ",
          el("span", { class: "tgt", lang: "en" }, m.en || "(no English found for it)"),
          m.parent ? el("div", { class: "muted small", lang: "zh-CN" }, `in #${m.parent.id}: ${m.parent.zh}`) : null,
          numbersDiffer(m.penalties, "clause").length
            ? el("div", { class: "penalty" }, `! ${numbersDiffer(m.penalties, "clause").join("; ")}`) : null)))));
    const assembled = (data.assembled || []).map((a) => a.en || `[${a.clause}]`).join(" ");
    return el("section", { class: "fragments" }, el("h2", {}, "Fragments"), el("ol", {}, ...items),
      assembled ? el("p", { class: "assembled" }, el("strong", {}, "Assembled: "), assembled) : null);
  }

  function highlight(text, needle, english) {
    // Occurrences of the search text marked (case-insensitively on the English side).
    const hay = english ? text.toLowerCase() : text;
    const find = english ? needle.toLowerCase() : needle;
    const parts = [];
    let at = 0;
    let next = find ? hay.indexOf(find) : -1;
    while (next >= 0) {
      parts.push(document.createTextNode(text.slice(at, next)));
      parts.push(el("mark", {}, text.slice(next, next + find.length)));
      at = next + find.length;
      next = hay.indexOf(find, at);
    }
    parts.push(document.createTextNode(text.slice(at)));
    return parts;
  }

  function showConcordance(data) {
    const english = document.getElementById("en").checked;
    info.className = "muted";
    info.textContent = `${data.total} TU(s) contain it` + (data.total > data.units.length ? `; first ${data.units.length} shown` : "");
    results.replaceChildren(...data.units.map((u) => el("article", { class: "hit" },
      el("div", { class: "src", lang: "zh-CN" }, ...(english ? [u.zh] : highlight(u.zh, data.text, false))),
      el("div", { class: "tgt", lang: "en" }, ...(english ? highlight(u.en, data.text, true) : [u.en])),
      el("div", { class: "muted small" }, u.origins.length ? `from ${origin(u.origins[0])}` : "", u.count > 1 ? ` · ×${u.count}` : "", ` · #${u.id}`))));
  }

  const later = debounce(search, 150);
  q.addEventListener("input", later);
  document.getElementById("search-form").addEventListener("change", () => { showOptions(); search(); });
  document.getElementById("search-form").addEventListener("submit", (e) => { e.preventDefault(); search(); });
  showOptions();
  q.focus();
  const initial = new URLSearchParams(location.search).get("q");
  if (initial) { q.value = initial; search(); }
  status("Type: results follow as you type");
  ready();
})();
