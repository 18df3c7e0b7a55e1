// spotify-transfer app: small progressive enhancements. Every page works without it.
"use strict";

function onReady(fn) {
  if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
}

// Copy buttons: <button data-copy="ID"> copies the text of #ID.
function setUpCopy() {
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      const status = document.getElementById(button.dataset.copy + "-copied");
      try {
        await navigator.clipboard.writeText(source.textContent.trim());
        if (status) status.textContent = "Copied.";
      } catch (error) {
        const range = document.createRange();
        range.selectNodeContents(source);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        if (status) status.textContent = "Selected: press Ctrl+C to copy.";
      }
    });
  });
}

// Live check of the client id while it is typed.
function setUpClientCheck() {
  const field = document.getElementById("client_id");
  const out = document.getElementById("client_id-check");
  if (!field || !out) return;
  let timer = null;
  field.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const value = field.value.trim();
      if (!value) { out.textContent = ""; return; }
      out.textContent = "Checking…";
      try {
        const answer = await fetch("/setup/check?client_id=" + encodeURIComponent(value),
                                   {credentials: "same-origin"});
        const result = await answer.json();
        out.textContent = result.message;
        out.className = result.ok ? "ok" : "problem";
      } catch (error) {
        out.textContent = "";
      }
    }, 400);
  });
}

// The playlist search box filters the list as one types (the form does it without script).
function setUpFilter() {
  const box = document.getElementById("q");
  const list = document.getElementById("playlist-list");
  if (!box || !list) return;
  const count = document.getElementById("shown-count");
  const filter = () => {
    const words = box.value.toLocaleLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    list.querySelectorAll("li").forEach((item) => {
      const name = (item.dataset.name || "").toLocaleLowerCase();
      const visible = words.every((word) => name.includes(word));
      item.hidden = !visible;
      if (visible) shown += 1;
    });
    if (count) count.textContent = shown + " shown";
  };
  box.addEventListener("input", filter);
  const form = box.form;
  if (form) form.addEventListener("submit", (event) => { event.preventDefault(); filter(); });
  document.querySelectorAll("button[data-check]").forEach((button) => {
    button.hidden = false;
    button.addEventListener("click", () => {
      const on = button.dataset.check === "all";
      list.querySelectorAll("li:not([hidden]) input[type=checkbox]").forEach((c) => { c.checked = on; });
    });
  });
}

// Live progress of the job over Server-Sent Events.
function setUpProgress() {
  const panel = document.getElementById("live");
  if (!panel || !window.EventSource) return;
  const still = ["done", "failed", "cancelled", "busy", "planned", "stopped"];
  if (still.includes(panel.dataset.phase)) return;
  const source = new EventSource("/events");
  let shownPhase = panel.dataset.phase;
  source.addEventListener("job", (event) => {
    const job = JSON.parse(event.data);
    if (job.phase !== shownPhase && (shownPhase === "reading" || still.includes(job.phase))) {
      source.close();
      window.location.reload();
      return;
    }
    shownPhase = job.phase;
    const phase = document.getElementById("phase");
    if (phase) phase.textContent = panel.dataset["label" + job.phase] || job.phase;
    const pause = document.getElementById("pause");
    if (pause) {
      pause.hidden = job.phase !== "paused";
      const left = document.getElementById("seconds-left");
      if (left && job.seconds_left !== null) left.textContent = job.seconds_left;
    }
    const rows = document.getElementById("progress-rows");
    if (!rows) return;
    job.progress.forEach((row) => {
      let item = document.getElementById("row-" + row.category);
      if (!item) {
        item = document.createElement("div");
        item.id = "row-" + row.category;
        const label = document.createElement("label");
        label.setAttribute("for", "bar-" + row.category);
        const bar = document.createElement("progress");
        bar.id = "bar-" + row.category;
        item.append(label, bar);
        rows.append(item);
      }
      const bar = item.querySelector("progress");
      const label = item.querySelector("label");
      if (row.total) { bar.max = row.total; bar.value = Math.min(row.done, row.total); }
      else { bar.removeAttribute("value"); }
      label.textContent = row.label + ": " + row.done + (row.total ? " of " + row.total : "");
    });
  });
  source.addEventListener("end", () => { source.close(); window.location.reload(); });
}

onReady(() => { setUpCopy(); setUpClientCheck(); setUpFilter(); setUpProgress(); });
