// The PR-review dashboard. Plain JavaScript, no build step. Every text it shows goes through
// document.createTextNode / textContent: diff content, file names and tool results are untrusted.
"use strict";

const FEED_LIMIT = 250;
let lastState = null;
let shownPr = null;
const diffs = new Map(); // pull request id -> diff text, as loaded by this page

/** el("div", {class: "x", "data-id": id}, "text", otherNode) — attributes and text, never HTML. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined && value !== false) {
      node.setAttribute(name, String(value));
    }
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function $(id) {
  return document.getElementById(id);
}

function replaceChildren(node, ...children) {
  while (node.firstChild) node.removeChild(node.firstChild);
  for (const child of children) node.appendChild(child);
}

function compact(value) {
  if (value === undefined) return "";
  const text = JSON.stringify(value);
  return text.length > 400 ? text.slice(0, 400) + "…" : text;
}

function time(ms) {
  const d = ms ? new Date(ms) : new Date();
  return d.toTimeString().slice(0, 8) + "." + String(d.getMilliseconds()).padStart(3, "0");
}

async function api(method, path, body) {
  const options = { method, headers: { "Accept": "application/json" } };
  if (method === "POST") {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body || {});
  }
  const response = await fetch("/api" + path, options);
  let json = null;
  try {
    json = await response.json();
  } catch (e) {
    json = null;
  }
  if (!response.ok) {
    throw new Error((json && json.error) || ("HTTP " + response.status));
  }
  return json;
}

function say(id, text, isError) {
  const node = $(id);
  node.textContent = text || "";
  node.classList.toggle("error", !!isError);
}

async function act(messageId, work) {
  say(messageId, "…");
  try {
    const text = await work();
    say(messageId, text || "");
  } catch (e) {
    say(messageId, e.message, true);
  }
}

// ---- pull request -------------------------------------------------------------------------------------------------

async function loadFixtures() {
  const json = await api("GET", "/fixtures");
  const select = $("fixture");
  replaceChildren(select, ...json.fixtures.map(name => el("option", { value: name }, name)));
}

function showPr(pr) {
  shownPr = pr.id;
  if (pr.diff !== undefined) diffs.set(pr.id, pr.diff);
  const diff = diffs.get(pr.id);
  const files = el("ul", { class: "files" }, ...pr.files.map(f => el("li", { "data-path": f.path },
      el("span", { class: "path" }, f.path + (f.status === "modified" ? "" : " (" + f.status + ")")),
      el("span", {}, el("span", { class: "add" }, "+" + f.additions), " ", el("span", { class: "del" }, "−" + f.deletions)))));
  const children = [
    el("div", { class: "title", id: "pr-title" }, pr.title),
    el("div", { class: "source" }, pr.id + " · " + pr.source + " · " + pr.files.length + " files · +" + pr.additions
        + " −" + pr.deletions),
    files,
  ];
  if (diff !== undefined) {
    const pre = el("pre", { id: "diff" });
    for (const line of diff.split("\n")) {
      const cls = line.startsWith("+") && !line.startsWith("+++") ? "line-add"
          : line.startsWith("-") && !line.startsWith("---") ? "line-del" : line.startsWith("@@") ? "line-hunk" : null;
      pre.appendChild(el("span", { class: cls }, line + "\n"));
    }
    children.push(el("details", {}, el("summary", {}, "diff"), pre));
  }
  replaceChildren($("pr-summary"), ...children);
}

async function loadPr(body) {
  await act("pr-message", async () => {
    const json = await api("POST", "/pr", body);
    showPr(json.pr);
    replaceChildren($("report"), el("p", { class: "empty" }, "Register the workflow, spawn agents, then aggregate."));
    return "Loaded " + json.pr.id + ".";
  });
}

// ---- live panels --------------------------------------------------------------------------------------------------

function renderState(state) {
  lastState = state;
  $("demo-id").textContent = state.demo_id;
  $("sidecar-url").textContent = state.sidecar_url;
  $("kv-prefix").textContent = "prreview/" + state.demo_id + "/";
  if (!state.pr) {
    replaceChildren($("pr-summary"));
    shownPr = null;
  } else if (shownPr !== state.pr.id) {
    showPr(state.pr);
  }
  renderWorkers(state.agents);
  renderRuns(state.runs);
  renderKv(state.kv);
  const active = activeAgent(state);
  $("crash").disabled = !active;
  $("crash").textContent = active ? "Crash active (" + active + ")" : "Crash active";
}

function renderWorkers(agents) {
  const board = $("workers");
  if (!agents.length) {
    replaceChildren(board, el("p", { class: "empty" }, "No agents yet: spawn one."));
    return;
  }
  replaceChildren(board, ...agents.map(a => {
    const alive = a.status === "running" || a.status === "starting";
    const state = alive ? (a.state || a.status) : a.status;
    return el("div", { class: "worker", "data-agent": a.agent_id, "data-status": a.status, "data-state": alive ? a.state : null },
        el("div", { class: "id" }, a.agent_id, " ", el("span", { class: "badge kind-" + a.kind }, a.kind)),
        el("div", {}, "pid " + a.pid + " · " + state + (a.exit_code !== undefined ? " (exit " + a.exit_code + ")" : "")),
        el("div", { class: "detail" }, alive ? (a.detail || "") : ""));
  }));
}

function renderRuns(runs) {
  const body = $("runs").querySelector("tbody");
  if (!runs.length) {
    replaceChildren(body, el("tr", {}, el("td", { colspan: 6, class: "empty" }, "No runs: register the workflow.")));
    return;
  }
  replaceChildren(body, ...runs.map(r => {
    const total = r.files_total !== undefined ? "/" + r.files_total : "";
    const step = r.last_step === null || r.last_step === undefined ? "–" : "file " + (r.last_step + 1) + total;
    return el("tr", { "data-run": r.run_id, "data-kind": r.kind, "data-status": r.status },
        el("td", {}, el("span", { class: "badge kind-" + r.kind }, r.kind)),
        el("td", {}, el("code", {}, r.run_id)),
        el("td", {}, el("span", { class: "badge status-" + r.status }, r.status)),
        el("td", { class: "claimer" }, r.agent_id || "–"),
        el("td", {}, step),
        el("td", {}, r.fencing_token === undefined ? "–" : String(r.fencing_token)));
  }));
}

function renderKv(kv) {
  const body = $("kv").querySelector("tbody");
  const keys = Object.keys(kv);
  const prefix = lastState ? "prreview/" + lastState.demo_id + "/" : "";
  if (!keys.length) {
    replaceChildren(body, el("tr", {}, el("td", { colspan: 2, class: "empty" }, "No keys yet.")));
    return;
  }
  replaceChildren(body, ...keys.map(k => el("tr", { "data-key": k },
      el("td", {}, k.startsWith(prefix) ? k.slice(prefix.length) : k), el("td", {}, compact(kv[k])))));
}

function activeAgent(state) {
  const alive = new Set(state.agents.filter(a => a.status === "running").map(a => a.agent_id));
  const run = state.runs.find(r => (r.status === "claimed" || r.status === "running") && alive.has(r.agent_id));
  return run ? run.agent_id : null;
}

function addFeed(listId, item) {
  const list = $(listId);
  list.insertBefore(item, list.firstChild);
  while (list.childNodes.length > FEED_LIMIT) list.removeChild(list.lastChild);
}

function onEvent(e) {
  addFeed("events", el("li", { class: "type-" + e.type, "data-type": e.type },
      el("span", { class: "time" }, time(e.at)), el("span", { class: "who" }, e.source), e.message));
}

function onTool(t) {
  addFeed("tools", el("li", { class: t.error ? "error" : null, "data-tool": t.tool },
      el("span", { class: "time" }, time(t.at)), el("span", { class: "who" }, t.caller),
      el("span", { class: "tool" }, t.tool), " ", compact(t.args), " → ",
      el("span", { class: "result" }, compact(t.result)), " ", el("span", { class: "time" }, t.ms + " ms")));
}

function connect() {
  const source = new EventSource("/api/events");
  source.addEventListener("open", () => $("live").className = "live on");
  source.addEventListener("error", () => $("live").className = "live off");
  source.addEventListener("state", m => renderState(JSON.parse(m.data)));
  source.addEventListener("event", m => {
    const e = JSON.parse(m.data);
    if (e.type === "reset") {
      replaceChildren($("events"));
      replaceChildren($("tools"));
    }
    onEvent(e);
  });
  source.addEventListener("tool", m => onTool(JSON.parse(m.data)));
}

// ---- report -------------------------------------------------------------------------------------------------------

const SEVERITIES = ["critical", "high", "medium", "low", "info"];

function renderReport(report) {
  const parts = [];
  parts.push(el("p", {}, report.findings.length + " finding(s) in " + report.pr.files.length + " files of "
      + report.pr.id + (report.complete ? "" : " (reviews not complete yet)") + "."));
  parts.push(el("div", { class: "counts" }, ...SEVERITIES.filter(s => report.counts[s] > 0)
      .map(s => el("span", { class: "sev sev-" + s, "data-severity": s }, report.counts[s] + " " + s))));
  parts.push(el("p", { class: "source" }, ...report.runs.map(r => r.kind + ": " + r.status + ", " + r.files_reviewed + "/"
      + r.files_total + " files by " + (r.agents.join(", ") || "nobody") + ". ")));
  for (const severity of SEVERITIES) {
    const group = report.findings.filter(f => f.severity === severity);
    if (!group.length) continue;
    parts.push(el("h3", { "data-severity": severity }, severity.toUpperCase() + " (" + group.length + ")"));
    parts.push(el("table", { class: "findings" },
        el("thead", {}, el("tr", {}, el("th", {}, "file"), el("th", {}, "line"), el("th", {}, "review"),
            el("th", {}, "rule"), el("th", {}, "why"))),
        el("tbody", {}, ...group.map(f => el("tr", { "data-rule": f.rule },
            el("td", { class: "file" }, f.file), el("td", { class: "line" }, String(f.line)),
            el("td", { class: "kind" }, el("span", { class: "badge kind-" + f.kind }, f.kind)),
            el("td", { class: "rule" }, f.rule), el("td", {}, f.message + " (" + f.agent_id + ")"))))));
  }
  replaceChildren($("report"), ...parts);
}

// ---- wiring -------------------------------------------------------------------------------------------------------

function wire() {
  $("load-fixture").addEventListener("click", () => loadPr({ fixture: $("fixture").value }));
  $("load-url").addEventListener("click", () => loadPr({ url: $("pr-url").value }));
  $("upload").addEventListener("change", async () => {
    const file = $("upload").files[0];
    if (!file) return;
    const text = await file.text();
    await loadPr({ diff: text, name: file.name });
    $("upload").value = "";
  });
  $("register").addEventListener("click", () => act("flow-message", async () => {
    const json = await api("POST", "/runs", {});
    return "Registered " + json.runs.map(r => r.kind + " " + r.run_id).join(", ") + ".";
  }));
  for (const button of document.querySelectorAll("button.spawn")) {
    button.addEventListener("click", () => act("flow-message", async () => {
      const json = await api("POST", "/agents", { kind: button.dataset.kind, count: 1 });
      return "Started " + json.agents.map(a => a.agent_id + " (pid " + a.pid + ")").join(", ") + ".";
    }));
  }
  $("spawn-race").addEventListener("click", () => act("flow-message", async () => {
    const json = await api("POST", "/agents", { kind: $("race-kind").value, count: 3 });
    return "Race: started " + json.agents.map(a => a.agent_id).join(", ") + " at once; exactly one wins the claim.";
  }));
  $("crash").addEventListener("click", () => act("flow-message", async () => {
    const agent = lastState && activeAgent(lastState);
    if (!agent) throw new Error("no agent is holding a run right now");
    const json = await api("POST", "/agents/" + encodeURIComponent(agent) + "/crash", {});
    return "Killed " + json.agent_id + " (pid " + json.pid + ") with SIGKILL.";
  }));
  $("aggregate").addEventListener("click", () => act("flow-message", async () => {
    const json = await api("POST", "/aggregate", {});
    renderReport(json);
    return "Aggregated " + json.findings.length + " finding(s).";
  }));
  $("reset").addEventListener("click", () => act("flow-message", async () => {
    const json = await api("POST", "/reset", {});
    replaceChildren($("pr-summary"));
    replaceChildren($("report"), el("p", { class: "empty" }, "Aggregate the reviews to see one report grouped by severity."));
    say("pr-message", "");
    return "New demo session " + json.demo_id + ".";
  }));
}

document.addEventListener("DOMContentLoaded", () => {
  wire();
  connect();
  loadFixtures().catch(e => say("pr-message", e.message, true));
  api("GET", "/state").then(renderState).catch(e => say("flow-message", e.message, true));
});
