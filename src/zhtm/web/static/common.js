// zhtm workbench: what every page shares. Text from the store or a file is only ever put
// into the page as text (textContent / text nodes), never as markup.
"use strict";

const zhtm = (() => {
  const token = document.querySelector('meta[name="zhtm-token"]').content;

  function newClientId() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  // One id per browser (kept across reloads): undo undoes this browser's own changes.
  let client = localStorage.getItem("zhtm-client");
  if (!client) {
    client = newClientId();
    localStorage.setItem("zhtm-client", client);
  }

  // Every error the API gives is {"error": "one line"}; anything else (a proxy's page, a
  // dropped connection) still becomes one line for the status bar.
  function errorText(data, response) {
    let text = `${response.status} ${response.statusText}`.trim();
    if (data && typeof data.error === "string" && data.error) text = data.error;
    else if (data && Array.isArray(data.detail) && data.detail.length) {
      const d = data.detail[0];
      text = `${(d.loc || []).join(".")}: ${d.msg}`;
    } else if (data && typeof data.detail === "string") text = data.detail;
    return text.replace(/\s+/g, " ").trim() || `error ${response.status}`;
  }

  // GET with query parameters, or POST a JSON body (with the token header and client id).
  async function api(path, { method = "GET", params = null, body = null } = {}) {
    const url = new URL(path, location.origin);
    if (params) {
      for (const [k, v] of Object.entries(params)) {
        if (v !== null && v !== undefined && v !== "") url.searchParams.set(k, v);
      }
    }
    const options = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (method !== "GET") {
      options.headers["Content-Type"] = "application/json";
      options.headers["X-Zhtm-Token"] = token;
      options.body = JSON.stringify({ client, ...(body || {}) });
    }
    let response;
    try {
      response = await fetch(url, options);
    } catch (e) {
      throw new Error(`the workbench cannot be reached (${e.message}); is zhtm serve still running?`);
    }
    let data = null;
    try {
      data = await response.json();
    } catch (e) {
      data = null;
    }
    if (!response.ok) {
      const error = new Error(errorText(data, response));
      error.status = response.status;
      throw error;
    }
    return data;
  }

  // el("div", {class: "x", dataset: {id: 3}, onclick: f}, "text", child, ...)
  function el(tag, attrs = {}, ...children) {
    const node = tag === "svg" || attrs.svg
      ? document.createElementNS("http://www.w3.org/2000/svg", tag)
      : document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false || key === "svg") continue;
      if (key === "class") node.setAttribute("class", value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  let statusTimer = null;
  function status(message, kind = "info") {
    const box = document.getElementById("status");
    if (!box) return;
    box.textContent = message;
    box.className = `show ${kind}`;
    clearTimeout(statusTimer);
    statusTimer = setTimeout(() => { box.className = ""; }, kind === "error" ? 9000 : 3500);
  }

  function typing(event) {
    const t = event.target;
    return t && (t.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));
  }

  function debounce(fn, ms) {
    let timer = null;
    return (...args) => {
      clearTimeout(timer);
      timer = setTimeout(() => fn(...args), ms);
    };
  }

  function ready() {
    document.body.dataset.ready = "1";
    if (performance.mark) performance.mark("zhtm-interactive");
  }

  return { api, el, status, typing, debounce, ready, client };
})();
