// resuMAX web page: one file, no build step. It speaks the REST API of DESIGN.md section 5 on
// the same origin with a bearer token kept for this browser tab (sessionStorage).
"use strict";

const $ = (selector) => document.querySelector(selector);
const TOKEN_KEY = "resumax.token";
const USER_KEY = "resumax.user";

const STATUS_TEXT = {
  uploading: "Uploading",
  parsing: "Reading your resume and the posting",
  queued: "Queued",
  processing: "Scoring the resume",
  generating: "Writing suggestions",
  completed: "Done",
  failed: "Failed",
};

const PART_NAMES = {
  hard_skills: "Hard skills",
  soft_skills: "Soft skills",
  title: "Job title",
  education: "Education",
  experience: "Experience",
  searchability: "Searchability",
};

// ---- small helpers ----

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function words(name) {
  return PART_NAMES[name] || name.replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

function showError(message) {
  const box = $("#error");
  box.textContent = message;
  box.hidden = !message;
}

class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : `request failed (${status})`);
    this.status = status;
    this.code = body && body.code;
  }
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

async function failure(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // Not a contract error body (a proxy, say): the status is all there is.
  }
  if (response.status === 401) signOut();
  return new ApiError(response.status, body);
}

async function api(method, path, body) {
  const headers = { authorization: `Bearer ${token()}` };
  let payload;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const response = await fetch(path, { method, headers, body: payload });
  if (!response.ok) throw await failure(response);
  return response.status === 204 ? null : response.json();
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Parses (resumes, postings) and exports have no event stream: poll until they settle.
async function until(path, field, pending) {
  for (let delay = 150; ; delay = Math.min(delay * 1.5, 1500)) {
    const body = await api("GET", path);
    if (!pending.includes(body[field])) return body;
    await sleep(delay);
  }
}

// ---- sign in ----

function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(USER_KEY);
  route();
}

function signedIn(newToken, user) {
  sessionStorage.setItem(TOKEN_KEY, newToken);
  sessionStorage.setItem(USER_KEY, user);
  showError("");
  route();
}

async function setUpSignIn() {
  // The route exists only when this server signs its own tokens (embedded mode, loopback).
  const probe = await fetch("/dev/token", { method: "GET" }).catch(() => null);
  $("#dev-form").hidden = !(probe && probe.ok);
  $("#dev-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const user = $("#dev-user").value.trim();
    try {
      const response = await fetch("/dev/token", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ user }),
      });
      if (!response.ok) throw await failure(response);
      const body = await response.json();
      signedIn(body.token, body.user);
    } catch (error) {
      showError(error.message);
    }
  });
  $("#token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const value = $("#token-input").value.trim();
    let user = "token";
    try {
      user = JSON.parse(atob(value.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).sub || user;
    } catch {
      // An opaque token: the API decides whether it is good.
    }
    signedIn(value, user);
  });
  $("#sign-out").addEventListener("click", signOut);
}

// ---- views ----

function route() {
  const signed = Boolean(token());
  const page = location.hash === "#/history" ? "history" : "optimize";
  $("#sign-in").hidden = signed;
  $("#who").hidden = !signed;
  $("#who-name").textContent = signed ? `Signed in as ${sessionStorage.getItem(USER_KEY)}` : "";
  $("#optimize-view").hidden = !signed || page !== "optimize";
  $("#history-view").hidden = !signed || page !== "history";
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === page) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (signed && page === "history") loadHistory().catch((error) => showError(error.message));
}

// ---- inputs: drag and drop onto the file fields ----

function dropZone(zone, input, text) {
  const show = () => {
    const file = input.files[0];
    if (file) text.textContent = `${file.name} (${Math.ceil(file.size / 1024)} KB)`;
  };
  input.addEventListener("change", show);
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("over");
    });
  }
  for (const name of ["dragleave", "drop"]) {
    zone.addEventListener(name, () => zone.classList.remove("over"));
  }
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      show();
    }
  });
}

function setSteps(current, failed) {
  const order = ["uploading", "parsing", "queued", "processing", "generating", "completed"];
  const at = order.indexOf(current);
  const list = $("#status");
  list.replaceChildren(
    ...order.map((step, index) => {
      let state = index < at ? "done" : index === at ? "current" : "todo";
      if (failed && index === at) state = "failed";
      const label = failed && index === at ? `${STATUS_TEXT[step]}: failed` : STATUS_TEXT[step];
      return el("li", { class: state, "aria-current": index === at ? "step" : null, text: label });
    }),
  );
}

// ---- the optimization flow ----

let run = null; // {optimization, resume}

async function startRun(event) {
  event.preventDefault();
  showError("");
  const resumeFile = $("#resume-file").files[0];
  const jdFile = $("#jd-file").files[0];
  const jdText = $("#jd-text").value.trim();
  if (!resumeFile) return showError("Choose a resume file first.");
  if (!jdFile && !jdText) return showError("Paste the job posting or choose its file.");
  for (const id of ["#report", "#changes", "#saved"]) $(id).hidden = true;
  $("#start").disabled = true;
  try {
    setSteps("uploading");
    const resumeForm = new FormData();
    resumeForm.append("file", resumeFile);
    const jdBody = jdFile ? new FormData() : { text: jdText };
    if (jdFile) jdBody.append("file", jdFile);
    const [uploaded, posted] = await Promise.all([
      api("POST", "/resumes", resumeForm),
      api("POST", "/job-descriptions", jdBody),
    ]);
    setSteps("parsing");
    const [resume, job] = await Promise.all([
      until(`/resumes/${uploaded.resumeId}`, "parseStatus", ["pending", "parsing"]),
      until(`/job-descriptions/${posted.jobDescriptionId}`, "parseStatus", ["pending", "parsing"]),
    ]);
    for (const [what, doc] of [["resume", resume], ["posting", job]]) {
      if (doc.parseStatus !== "completed") {
        throw new Error(`The ${what} could not be read: ${doc.error ? doc.error.message : doc.parseStatus}`);
      }
    }
    const started = await api("POST", "/optimize", {
      resumeId: uploaded.resumeId,
      jobDescriptionId: posted.jobDescriptionId,
      strategy: $("#strategy").value,
    });
    setSteps(started.status);
    await followEvents(started.optimizationId);
    const optimization = await api("GET", `/optimize/${started.optimizationId}`);
    if (optimization.status !== "completed") {
      setSteps(optimization.status === "failed" ? "generating" : optimization.status, true);
      throw new Error(optimization.error ? optimization.error.message : `The run ended ${optimization.status}.`);
    }
    setSteps("completed");
    run = { optimization, resume };
    renderReport(optimization, resume);
    renderChanges(optimization);
    $("#report-title").focus();
  } catch (error) {
    showError(error.message);
  } finally {
    $("#start").disabled = false;
  }
}

// `GET /optimize/{id}/events` with the token in a header, which EventSource cannot send: read
// the stream with fetch and split it into events.
async function followEvents(id) {
  const response = await fetch(`/optimize/${id}/events`, {
    headers: { authorization: `Bearer ${token()}`, accept: "text/event-stream" },
  });
  if (!response.ok) throw await failure(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, "\n");
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = "message";
      const data = [];
      for (const line of block.split("\n")) {
        if (line.startsWith("event:")) name = line.slice(6).trim();
        else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
      }
      if (!data.length) continue; // keep-alive comment
      const event = JSON.parse(data.join("\n"));
      if (name === "error") throw new Error(event.error.message);
      if (name === "status" && event.status !== "failed") setSteps(event.status);
    }
  }
}

function chip(keyword, matched) {
  const details = [`${keyword.importance}`, `weight ${keyword.weight.toFixed(1)}`];
  let reason;
  if (matched) {
    const where = keyword.sections.length ? `found in ${keyword.sections.join(", ")}` : "found";
    reason = keyword.resumeTerm && keyword.resumeTerm !== keyword.term ? `${where} as “${keyword.resumeTerm}”` : where;
    if (!keyword.literal) reason += "; not in the posting's exact wording";
  } else {
    reason = "not in the resume";
  }
  return el(
    "li",
    { class: `chip ${matched ? "matched" : "missing"} ${keyword.importance}` },
    el("span", { class: "term", text: keyword.term }),
    el("span", { class: "meta", text: details.join(" · ") }),
    el("span", { class: "reason", text: reason }),
  );
}

function renderReport(optimization, resume) {
  const report = optimization.matchReport;
  $("#score-before").textContent = optimization.scoreBefore;
  $("#score-after").textContent = optimization.alignmentScore;
  $("#summary").replaceChildren(...optimization.summary.map((line) => el("li", { text: line })));
  $("#breakdown").replaceChildren(
    ...report.breakdown.map((part) =>
      el(
        "tr",
        {},
        el("th", { scope: "row", text: words(part.name) }),
        el("td", { text: `${Math.round(part.weight * 100)}%` }),
        el(
          "td",
          {},
          el("meter", { min: "0", max: "100", value: String(part.score), "aria-label": `${words(part.name)} score` }),
          ` ${Math.round(part.score)}`,
        ),
        el("td", { text: part.detail }),
      ),
    ),
  );
  const none = (text) => el("li", { class: "none", text });
  const matched = report.matchedKeywords.map((k) => chip(k, true));
  const missing = report.missingKeywords.map((k) => chip(k, false));
  $("#matched").replaceChildren(...(matched.length ? matched : [none("None yet")]));
  $("#missing").replaceChildren(...(missing.length ? missing : [none("Nothing missing")]));
  $("#recommendations").replaceChildren(...report.recommendations.map((line) => el("li", { text: line })));
  const warnings = resume.warningDetails || [];
  $("#layout-warnings").replaceChildren(
    ...warnings.map((w) => el("p", { class: "warning", "data-code": w.code }, el("strong", { text: "Layout: " }), w.message)),
  );
  $("#report").hidden = false;
}

// One side of a change: the spans it keeps, with its own kind of edit highlighted.
function side(spans, highlight) {
  const node = el("p", { class: "text" });
  for (const span of spans) {
    if (span.op === "equal") node.append(span.text);
    else if (span.op === highlight) node.append(el(highlight === "delete" ? "del" : "ins", { text: span.text }));
  }
  return node;
}

function renderChanges(optimization) {
  const reasons = new Map(optimization.suggestions.map((s) => [s.changeId, s]));
  const changed = optimization.diff.filter((section) => section.changes.length);
  const unchanged = optimization.diff.filter((section) => !section.changes.length);
  const blocks = changed.map((section) =>
    el(
      "section",
      { class: "section-diff", "aria-label": section.heading },
      el("h3", { text: section.heading }),
      section.changes.map((change) => {
        const suggestion = reasons.get(change.changeId) || {};
        const id = `keep-${change.changeId}`;
        return el(
          "article",
          { class: `change${change.uncertain ? " uncertain" : ""}`, "data-change-id": change.changeId },
          el(
            "div",
            { class: "change-head" },
            el("input", {
              type: "checkbox",
              id,
              name: "change",
              value: change.changeId,
              checked: !change.uncertain,
              onchange: countChecked,
            }),
            el("label", { for: id }, `Keep change ${change.changeId}: `, el("span", { class: "type", text: words(change.changeType) })),
            change.uncertain ? el("span", { class: "badge", text: "Uncertain" }) : null,
          ),
          el("p", { class: "reason", text: suggestion.reason || "" }),
          el(
            "div",
            { class: "sides" },
            el("div", { class: "original" }, el("h4", { text: "Original" }), side(change.spans, "delete")),
            el("div", { class: "optimized" }, el("h4", { text: "Suggested" }), side(change.spans, "insert")),
          ),
          el("button", { type: "button", class: "link edit", onclick: () => startEdit(change.changeId, suggestion.suggested || "") },
            `Edit change ${change.changeId}`),
          el(
            "div",
            { class: "edit-box", id: `edit-box-${change.changeId}`, hidden: true },
            el("label", { for: `edit-${change.changeId}`, text: `Your text for change ${change.changeId}` }),
            el("textarea", { id: `edit-${change.changeId}`, name: "edit", rows: 3, "data-change-id": change.changeId,
              "data-suggested": suggestion.suggested || "" }),
          ),
        );
      }),
    ),
  );
  const rest = unchanged.length
    ? el("p", { class: "hint", text: `No change suggested in: ${unchanged.map((s) => s.heading).join(", ")}.` })
    : null;
  $("#diff").replaceChildren(...(blocks.length ? blocks : [el("p", { text: "No change suggested." })]), rest);
  $("#accept").disabled = !blocks.length;
  countChecked();
  $("#changes").hidden = false;
}

// Opens the person's own text for a change, starting from the suggestion, and keeps the change:
// what they write is saved instead (the server still checks it and notes what it finds).
function startEdit(changeId, suggested) {
  const box = document.getElementById(`edit-box-${changeId}`);
  const text = document.getElementById(`edit-${changeId}`);
  if (box.hidden) {
    box.hidden = false;
    if (!text.value) text.value = suggested;
  }
  document.getElementById(`keep-${changeId}`).checked = true;
  countChecked();
  text.focus();
}

// Ticked changes whose text the person rewrote: `changeId -> text`.
function editedChanges() {
  const edits = {};
  for (const text of document.querySelectorAll('#diff textarea[name="edit"]')) {
    const id = text.dataset.changeId;
    const kept = document.getElementById(`keep-${id}`).checked;
    if (kept && !text.closest(".edit-box").hidden && text.value.trim() && text.value.trim() !== text.dataset.suggested.trim()) {
      edits[id] = text.value.trim();
    }
  }
  return edits;
}

function checkedChanges() {
  return [...document.querySelectorAll('#diff input[name="change"]:checked')].map((box) => box.value);
}

function countChecked() {
  const all = document.querySelectorAll('#diff input[name="change"]').length;
  $("#accept-count").textContent = `${checkedChanges().length} of ${all} changes kept`;
}

async function accept(event) {
  event.preventDefault();
  showError("");
  const edits = editedChanges();
  const acceptedChanges = checkedChanges().filter((id) => !(id in edits));
  if (!acceptedChanges.length && !Object.keys(edits).length) return showError("Tick at least one change to save a version.");
  const exportFormats = [...document.querySelectorAll('#accept-form input[name="format"]:checked')].map((b) => b.value);
  $("#accept").disabled = true;
  try {
    const saved = await api("POST", `/optimize/${run.optimization.optimizationId}/accept`, {
      acceptedChanges: acceptedChanges.length ? acceptedChanges : undefined,
      editedChanges: Object.keys(edits).length ? edits : undefined,
      exportFormats,
      notes: $("#notes").value || undefined,
    });
    $("#saved-text").textContent =
      `Saved version ${saved.versionId.slice(0, 8)} with ${acceptedChanges.length + Object.keys(edits).length} change(s)` +
      (Object.keys(edits).length ? `, ${Object.keys(edits).length} in your words.` : ".") +
      (saved.exports.length ? " Your files are being rendered:" : "");
    $("#saved").hidden = false;
    $("#saved-title").focus();
    await showDownloads($("#saved-downloads"), saved.versionId, saved.exports);
  } catch (error) {
    showError(error.message);
  } finally {
    $("#accept").disabled = false;
  }
}

const FORMAT_NAMES = { pdf: "PDF", docx: "DOCX", text: "Text" };
const EXTENSIONS = { pdf: "pdf", docx: "docx", text: "txt" };

// A button per export, enabled once the file is rendered.
async function showDownloads(list, versionId, exports) {
  const items = exports.map((e) => {
    const button = el("button", { type: "button", disabled: true, "data-format": e.format, text: `${FORMAT_NAMES[e.format]} (rendering)` });
    return { exportInfo: e, button, item: el("li", {}, button) };
  });
  list.replaceChildren(...items.map((i) => i.item));
  await Promise.all(
    items.map(async ({ exportInfo, button }) => {
      try {
        const ready = await until(`/exports/${exportInfo.exportId}`, "status", ["queued"]);
        if (ready.status !== "completed") {
          button.textContent = `${FORMAT_NAMES[exportInfo.format]}: ${ready.error ? ready.error.message : ready.status}`;
          return;
        }
        button.textContent = `Download ${FORMAT_NAMES[exportInfo.format]}`;
        button.disabled = false;
        button.addEventListener("click", () => download(ready, versionId).catch((error) => showError(error.message)));
      } catch (error) {
        button.textContent = `${FORMAT_NAMES[exportInfo.format]}: ${error.message}`;
      }
    }),
  );
}

async function download(exportRecord, versionId) {
  const name = `resume-${versionId.slice(0, 8)}.${EXTENSIONS[exportRecord.format]}`;
  const url = exportRecord.downloadUrl;
  // A signed object-store URL needs no token; the gateway's own route does.
  const response = url.startsWith("/")
    ? await fetch(url, { headers: { authorization: `Bearer ${token()}` } })
    : await fetch(url);
  if (!response.ok) throw await failure(response);
  const blob = await response.blob();
  const link = el("a", { href: URL.createObjectURL(blob), download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

// ---- history ----

let nextCursor = null;

async function loadHistory(more = false) {
  const query = more && nextCursor ? `?limit=20&cursor=${encodeURIComponent(nextCursor)}` : "?limit=20";
  const page = await api("GET", `/versions${query}`);
  nextCursor = page.nextCursor || null;
  const list = $("#versions");
  const items = page.items.map((version) => {
    const changed = version.diff.filter((s) => s.changes.length).map((s) => s.heading);
    const downloads = el("ul", { class: "downloads" });
    const exports = version.downloadLinks || [];
    const item = el(
      "li",
      { class: "version", "data-version-id": version.versionId },
      el(
        "div",
        { class: "version-head" },
        el("h2", { text: new Date(version.createdAt).toLocaleString() }),
        el("span", { class: "pill", text: `score ${version.score}` }),
      ),
      el(
        "p",
        {},
        `${version.acceptedChanges.length} change(s) kept (${version.acceptedChanges.join(", ") || "none"})` +
          (changed.length ? ` in ${changed.join(", ")}` : ""),
      ),
      version.notes ? el("p", { class: "notes", text: version.notes }) : null,
      exports.length ? downloads : el("p", { class: "hint", text: "No file was asked for with this version." }),
    );
    if (exports.length) showDownloads(downloads, version.versionId, exports);
    return item;
  });
  if (more) list.append(...items);
  else list.replaceChildren(...(items.length ? items : [el("li", { class: "none", text: "No saved versions yet." })]));
  $("#more-versions").hidden = !nextCursor;
  if (!more) $("#history-title").focus();
}

// ---- start ----

document.addEventListener("DOMContentLoaded", () => {
  setUpSignIn();
  dropZone($("#resume-drop"), $("#resume-file"), $("#resume-drop-text"));
  dropZone($("#jd-drop"), $("#jd-file"), $("#jd-drop-text"));
  $("#inputs").addEventListener("submit", startRun);
  $("#accept-form").addEventListener("submit", accept);
  $("#more-versions").addEventListener("click", () => loadHistory(true).catch((error) => showError(error.message)));
  window.addEventListener("hashchange", route);
  route();
});
