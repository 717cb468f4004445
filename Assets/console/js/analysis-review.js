// Image review: the queue of scans awaiting an analyst from every lane (#review), and one scan's
// review (#review/<scan event id>): the viewer, the declaration beside it with the passage's other
// evidence, earlier scans of the same container and goods, and the verdict (clear, suspect with
// marked regions and a reason, physical inspection). Suspect and inspection verdicts, and a share
// of clears, wait for a second analyst; the hub enforces the four eyes, this page says so.
import { t, tn } from "./i18n.js";
import { json, post } from "./api.js";
import { number, esc } from "./format.js";
import { channel } from "./words.js";
import { me } from "./session.js";
import { when, describe, kindName, subjectText, atdWord } from "./analysis-words.js";
import { declarationCard } from "./analysis-declaration.js";
import { ImageViewer, thumbnail } from "./image-viewer.js";
import { RAMPS } from "./image-lut.js";

const $ = s => document.querySelector(s);
export const STATES = ["waiting", "second", "claimed", "overdue", "done"];
const VERDICTS = ["clear", "suspect", "inspect"];

function verdictWord(v) { return VERDICTS.includes(v) ? t(`review.verdict.${v}`) : v; }
function regionText(r) {
  return r.label ? t("review.regionLabelled", {label: r.label}) : t("review.regionUnlabelled");
}

/** What a scan is of, for a person: the lane, the truck and its containers, or a bag's reference. */
function scanSubject(s) {
  const bag = s.bag && s.bag.reference;
  const parts = [s.lane ? t("alarm.lane", {lane: s.lane}) : ""];
  if (bag) parts.push(t(`review.bag.${["passenger", "vehicle", "flight"].includes(bag.kind) ? bag.kind : "other"}`, {value: bag.value}));
  parts.push(subjectText({plates: s.plates, containers: s.containers}));
  return parts.filter(Boolean).join(" · ") || t("review.noSubject");
}

/** Where a scan stands, in a sentence. */
function stateSentence(r) {
  const first = (r.verdicts || []).find(v => v.step === "first");
  const last = (r.verdicts || [])[r.verdicts.length - 1];
  switch (r.state) {
    case "claimed": return t("review.state.claimedBy", {user: r.claim.by, time: when(r.claim.at)});
    case "second": return t(first && first.recheck ? "review.state.recheck" : "review.state.second",
      {verdict: verdictWord(first ? first.verdict : ""), user: first ? first.by : "–"}) + (r.claim ? " " + t("review.state.claimedBy", {user: r.claim.by, time: when(r.claim.at)}) : "");
    case "done": return last && last.step === "second"
      ? t("review.state.doneTwo", {verdict: verdictWord(last.verdict), user: last.by, first: first ? first.by : "–"})
      : t("review.state.doneOne", {verdict: verdictWord(last ? last.verdict : ""), user: last ? last.by : "–"});
    default: return t("review.state.waiting");
  }
}

function age(r) {
  const minutes = Math.floor((r.ageSeconds || 0) / 60);
  const text = minutes < 1 ? t("review.ageSeconds", {n: number(r.ageSeconds || 0)}) : t("review.ageMinutes", {n: number(minutes)});
  return r.overdue ? `${esc(text)} <span class="chip red">${esc(t("review.overdue"))}</span>` : esc(text);
}

// ---------- the queue ----------

let queueState = "waiting";

/** The queue for `state`, with the workload figures. */
export async function showQueue(params, box) {
  queueState = STATES.includes(params.get("state")) ? params.get("state") : "waiting";
  const q = new URLSearchParams({queue: queueState});
  if (params.get("lane")) q.set("lane", params.get("lane"));
  const data = await json(`/api/v1/reviews?${q}`);
  box.innerHTML = `<div class="search-head"><h2>${esc(t("review.title"))}</h2>
      <div class="tabs" role="tablist">${STATES.map(s => `<button type="button" role="tab" data-state="${s}" class="${s === queueState ? "current" : ""}">${esc(t(`review.tab.${s}`))}</button>`).join("")}</div></div>
    <p class="hint">${esc(t("review.hint"))}</p>
    <div class="results-box"><table class="compact results review-queue"><thead><tr><th>${esc(t("review.col.priority"))}</th>
      <th>${esc(t("review.col.scan"))}</th><th>${esc(t("review.col.age"))}</th><th>${esc(t("review.col.atd"))}</th><th>${esc(t("review.col.state"))}</th></tr></thead>
      <tbody>${data.reviews.map(row).join("")}</tbody></table>
      ${data.reviews.length ? "" : `<p class="empty">${esc(t(`review.empty.${queueState}`))}</p>`}</div>
    <section class="figures">${figures(data.figures)}</section>`;
  box.querySelectorAll("[data-state]").forEach(b => b.addEventListener("click", () => { location.hash = `#review?state=${b.dataset.state}`; }));
  box.querySelectorAll("tr[data-href]").forEach(tr => tr.addEventListener("click", () => { location.hash = tr.dataset.href; }));
  return data;
}

function row(r) {
  const s = r.scan;
  const chip = r.channel ? channel(r.channel) : `<span class="muted">${esc(t("review.noDeclaration"))}</span>`;
  return `<tr data-href="#review/${esc(encodeURIComponent(s.id))}" data-scan="${esc(s.id)}" class="${r.overdue ? "alarm-row" : ""}">
    <td>${chip}${r.declaration ? `<br><span class="score">${esc(t("alarm.declaration", {number: r.declaration}))}</span>` : ""}</td>
    <td><a href="#review/${esc(encodeURIComponent(s.id))}">${esc(scanSubject(s))}</a><br><span class="muted">${esc(t("review.scannedAt", {time: when(s.observedAt), family: t(`review.family.${s.deviceFamily === "baggage-scanner" ? "baggage" : "cargo"}`)}))}</span></td>
    <td>${age(r)}</td>
    <td>${esc(s.atdResult ? atdWord(s.atdResult) : t("analysis.ev.noAtd"))}${(s.atdRegions || []).length ? `<br><span class="muted">${esc(tn("review.atdRegions", s.atdRegions.length, {n: number(s.atdRegions.length)}))}</span>` : ""}</td>
    <td>${esc(stateSentence(r))}</td></tr>`;
}

/** Workload: queue per lane, time to verdict (p50/p90) per lane and per analyst, the verdict mix. */
function figures(f) {
  if (!f) return "";
  const dur = s => s == null ? "–" : s < 120 ? t("review.ageSeconds", {n: number(s)}) : t("review.ageMinutes", {n: number(s / 60, 1)});
  const table = (title, rows, label) => rows && rows.length ? `<h3>${esc(title)}</h3><table class="compact"><thead><tr><th>${esc(label)}</th>
      <th class="num">${esc(t("review.fig.verdicts"))}</th><th class="num">p50</th><th class="num">p90</th></tr></thead><tbody>${rows.map(x =>
      `<tr><td>${esc(x.name)}</td><td class="num">${number(x.count)}</td><td class="num">${esc(dur(x.p50))}</td><td class="num">${esc(dur(x.p90))}</td></tr>`).join("")}</tbody></table>` : "";
  const queue = (f.queue || []).map(q => t("review.fig.queueLane", {lane: q.lane, n: number(q.waiting)})).join(" · ");
  const mix = VERDICTS.map(v => t("review.fig.mixOne", {verdict: verdictWord(v), n: number((f.mix || {})[v] || 0)})).join(", ");
  return `<h3>${esc(t("review.fig.title"))}</h3>
    <p class="sentence">${esc(queue ? t("review.fig.queue", {list: queue}) : t("review.fig.queueEmpty"))}</p>
    <p class="sentence">${esc(tn("review.fig.mix", f.rechecks || 0, {list: mix, rechecks: number(f.rechecks || 0)}))}</p>
    <div class="figure-tables">${table(t("review.fig.byLane"), (f.byLane || []).map(x => ({...x, name: t("alarm.lane", {lane: x.lane})})), t("analysis.col.lane"))}
    ${table(t("review.fig.byAnalyst"), (f.byAnalyst || []).map(x => ({...x, name: x.analyst})), t("review.col.analyst"))}</div>`;
}

// ---------- one scan ----------

let current = null;

/** The review page of one scan; draws nothing once `overtaken()` says another page was asked for
 *  meanwhile (a verdict must never go to a scan other than the one on screen). */
export async function showScan(id, box, overtaken = () => false) {
  const r = await json(`/api/v1/reviews/${encodeURIComponent(id)}`);
  if (overtaken()) return null;
  current = {review: r, regions: [], image: null};
  const s = r.scan;
  box.innerHTML = `<div class="detail-head"><h2>${esc(t("review.scanTitle", {scan: s.scanId || "–"}))} ${r.channel ? channel(r.channel) : ""}</h2>
      <p class="summary">${esc(scanSubject(s))}. ${esc(t("review.scannedAt", {time: when(s.observedAt), family: t(`review.family.${s.deviceFamily === "baggage-scanner" ? "baggage" : "cargo"}`)}))}
      ${esc(s.atdResult ? t("analysis.ev.atd", {result: atdWord(s.atdResult)}) : t("analysis.ev.noAtd"))}</p>
      <p class="sentence" id="review-state">${esc(stateSentence(r))} ${r.overdue ? `<span class="chip red">${esc(t("review.overdue"))}</span>` : ""}</p>
      <p class="actions"><button type="button" id="claim" class="primary"></button> <button type="button" id="release" hidden>${esc(t("review.release"))}</button>
      <span id="claim-error" class="error" role="alert"></span></p></div>
    <div class="review-grid">
      <section class="panel viewer-panel">
        <div class="viewer-tools">
          <span class="views">${(s.images || []).filter(i => i.energy !== "low").map((im, i) => `<button type="button" data-image="${i}">${esc(viewName(im))}</button>`).join("")}</span>
          <label>${esc(t("review.window"))} <input type="range" id="wl-width" min="1" max="65536" step="1"> <output id="wl-width-out"></output></label>
          <label>${esc(t("review.level"))} <input type="range" id="wl-center" min="0" max="65535" step="1"> <output id="wl-center-out"></output></label>
          <button type="button" id="wl-auto">${esc(t("review.auto"))}</button>
          <label><input type="checkbox" id="opt-invert"> ${esc(t("review.invert"))}</label>
          <label><input type="checkbox" id="opt-edge"> ${esc(t("review.edges"))}</label>
          <label>${esc(t("review.colours"))} <select id="opt-ramp">${RAMPS.map(r => `<option value="${r}">${esc(t(`review.ramp.${r}`))}</option>`).join("")}</select></label>
          <label id="material-box" hidden><input type="checkbox" id="opt-material"> ${esc(t("review.materials"))}</label>
          <span class="tools" role="group">${["pan", "mark", "measure"].map(x => `<button type="button" data-tool="${x}">${esc(t(`review.tool.${x}`))}</button>`).join("")}</span>
          <button type="button" id="zoom-out" title="${esc(t("review.zoomOut"))}">−</button><button type="button" id="zoom-in" title="${esc(t("review.zoomIn"))}">+</button>
          <button type="button" id="zoom-fit">${esc(t("review.fit"))}</button>
        </div>
        <div class="viewer-host" id="viewer-host"></div>
        <p class="muted" id="viewer-status"></p>
        <p class="legend" id="material-legend" hidden>${["organic", "inorganic", "metal"].map(m => `<span class="swatch ${m}"></span> ${esc(t(`review.material.${m}`))}`).join(" ")}</p>
      </section>
      <aside class="review-side">
        <section class="panel verdict-panel"><h3>${esc(t("review.verdictTitle"))}</h3>
          <div id="verdict-history"></div>
          <ol id="region-list" class="regions"></ol>
          <p class="muted" id="region-hint">${esc(t("review.regionHint"))}</p>
          <label class="reason">${esc(t("review.reason"))}<textarea id="verdict-reason" rows="2"></textarea></label>
          <p class="actions verdicts">${VERDICTS.map(v => `<button type="button" data-verdict="${v}" class="${v === "clear" ? "" : "danger"}">${esc(t(`review.send.${v}`))}</button>`).join(" ")}</p>
          <p id="verdict-error" class="error" role="alert"></p></section>
        <section class="panel" id="review-declaration"><p class="muted">${esc(t("analysis.loading"))}</p></section>
      </aside>
      <section class="panel wide" id="review-history"><h3>${esc(t("review.previousTitle"))}</h3><div class="thumbs" id="previous"></div></section>
    </div>`;
  wireClaim(r);
  history(r);
  const viewer = new ImageViewer($("#viewer-host"), {
    onRegions: regions => { current.regions = regions; regionList(viewer); },
    onMeasure: m => { $("#viewer-status").textContent = measureText(m); },
  });
  current.viewer = viewer;
  wireTools(viewer);
  const shown = (s.images || []).filter(i => i.energy !== "low");
  if (shown.length) await openImage(viewer, 0);
  else $("#viewer-host").innerHTML = `<p class="empty">${esc(t("analysis.noImages"))}</p>`;
  declarationSide(s).catch(err => { $("#review-declaration").textContent = t("analysis.failed", {reason: err.message}); });
  previousScans(s).catch(() => {});
  return r;
}

/** The regions earlier verdicts marked, each labelled with the analyst who marked it. */
function reviewedRegions(r) {
  return (r.verdicts || []).flatMap(v => (v.regions || []).map(x => ({...x, label: `${v.by}: ${x.label || "–"}`})));
}

function viewName(im) {
  const v = im.view || im.name;
  return ["top", "side", "front"].includes(v) ? t(`review.view.${v}`) : v;
}

function measureText(m) {
  return m.metres != null ? t("review.ruler", {m: number(m.metres, 2)}) : t("review.rulerPixels", {n: number(m.pixels)});
}

async function openImage(viewer, index) {
  const s = current.review.scan;
  const shown = (s.images || []).filter(i => i.energy !== "low");
  const im = shown[index];
  const low = (s.images || []).find(i => i.energy === "low" && (i.view || "") === (im.view || ""));
  current.image = im;
  document.querySelectorAll("[data-image]").forEach(b => b.classList.toggle("current", +b.dataset.image === index));
  try {
    const info = await viewer.show(im, {atdRegions: (s.atdRegions || []).map(r => ({...r, label: r.threat ? `${r.threat}${r.confidence != null ? " " + number(r.confidence) + "%" : ""}` : t("review.atdRegion")})),
      regions: current.regions, reviewed: reviewedRegions(current.review), low: low ? low.sha256 : null});
    syncSliders(viewer, info);
    $("#material-box").hidden = !viewer.dualEnergy;
    const spacing = info.pixelSpacing ? t("review.spacing", {x: number(info.pixelSpacing.columnMm, 2), y: number(info.pixelSpacing.rowMm, 2)}) : t("review.noSpacing");
    $("#viewer-status").textContent = t("review.imageSize", {w: number(info.width), h: number(info.height), bits: info.bitsPerSample}) + " " + spacing;
  } catch (err) {
    $("#viewer-status").textContent = t("review.imageRefused", {reason: err.message});
  }
}

function syncSliders(viewer, info) {
  const w = $("#wl-width"), c = $("#wl-center");
  w.max = String(Math.max(2, (info.max - info.min) * 2));
  c.min = String(info.min);
  c.max = String(info.max);
  w.value = String(Math.round(viewer.settings.width));
  c.value = String(Math.round(viewer.settings.center));
  $("#wl-width-out").textContent = number(viewer.settings.width);
  $("#wl-center-out").textContent = number(viewer.settings.center);
}

function wireTools(viewer) {
  const wl = () => {
    viewer.set({width: +$("#wl-width").value, center: +$("#wl-center").value});
    $("#wl-width-out").textContent = number(viewer.settings.width);
    $("#wl-center-out").textContent = number(viewer.settings.center);
  };
  $("#wl-width").addEventListener("input", wl);
  $("#wl-center").addEventListener("input", wl);
  $("#wl-auto").addEventListener("click", () => { viewer.set({...viewer.info.window}); syncSliders(viewer, viewer.info); });
  $("#opt-invert").addEventListener("change", ev => viewer.set({invert: ev.target.checked}));
  $("#opt-edge").addEventListener("change", ev => viewer.set({edge: ev.target.checked}));
  $("#opt-ramp").addEventListener("change", ev => viewer.set({ramp: ev.target.value}));
  $("#opt-material").addEventListener("change", ev => { viewer.set({material: ev.target.checked}); $("#material-legend").hidden = !ev.target.checked; });
  const tool = x => { viewer.tool = x; document.querySelectorAll("[data-tool]").forEach(b => b.classList.toggle("current", b.dataset.tool === x)); };
  document.querySelectorAll("[data-tool]").forEach(b => b.addEventListener("click", () => tool(b.dataset.tool)));
  tool("pan");
  $("#zoom-in").addEventListener("click", () => viewer.zoom(1.5));
  $("#zoom-out").addEventListener("click", () => viewer.zoom(1 / 1.5));
  $("#zoom-fit").addEventListener("click", () => viewer.fit());
  document.querySelectorAll("[data-image]").forEach(b => b.addEventListener("click", () => openImage(viewer, +b.dataset.image)));
  document.querySelectorAll("[data-verdict]").forEach(b => b.addEventListener("click", () => send(b.dataset.verdict)));
}

function regionList(viewer) {
  const list = $("#region-list");
  const spacing = viewer.spacing;
  list.innerHTML = current.regions.map((r, i) => {
    const size = spacing ? t("review.regionMetres", {w: number(r.width * spacing.x, 2), h: number(r.height * spacing.y, 2)})
      : t("review.regionPixels", {w: number(r.width), h: number(r.height)});
    return `<li data-region="${i}"><input class="region-label" value="${esc(r.label)}" placeholder="${esc(t("review.labelHint"))}" aria-label="${esc(t("review.labelHint"))}">
      <span class="muted">${esc(size)}</span> <button type="button" class="ghost remove" title="${esc(t("review.removeRegion"))}">×</button></li>`;
  }).join("");
  list.querySelectorAll("li").forEach(li => {
    const i = +li.dataset.region;
    li.querySelector("input").addEventListener("input", ev => { current.regions[i].label = ev.target.value; viewer.setRegions(current.regions); });
    li.querySelector(".remove").addEventListener("click", () => { current.regions.splice(i, 1); viewer.setRegions(current.regions); regionList(viewer); });
  });
  const last = list.querySelector("li:last-child input");
  if (last && !last.value) last.focus();
}

function history(r) {
  $("#verdict-history").innerHTML = (r.verdicts || []).map(v => `<p class="sentence verdict-line ${v.verdict}">${esc(t("review.verdictLine",
    {user: v.by, verdict: verdictWord(v.verdict), time: when(v.at)}))}${v.reason ? " " + esc(t("analysis.quoted", {text: v.reason})) : ""}
    ${(v.regions || []).length ? `<br><span class="muted">${esc((v.regions || []).map(regionText).join("; "))}</span>` : ""}</p>`).join("");
}

function wireClaim(r) {
  const claim = $("#claim"), release = $("#release");
  const mine = !!r.claim && (r.claim.by === me.name || (r.claim.joined || []).includes(me.name));
  const firstBy = ((r.verdicts || []).find(v => v.step === "first") || {}).by;
  claim.hidden = mine || r.state === "done";
  release.hidden = !mine;
  claim.textContent = r.claim ? t("review.join") : r.state === "second" ? t("review.claimSecond") : t("review.claim");
  document.querySelectorAll("[data-verdict]").forEach(b => { b.disabled = !mine; });
  if (r.state === "second" && firstBy === me.name) $("#claim-error").textContent = t("review.fourEyes");
  claim.onclick = async () => {
    const resp = await post(`/api/v1/reviews/${encodeURIComponent(r.scan.id)}/claim`, r.claim ? {join: true} : {});
    if (!resp.ok) { $("#claim-error").textContent = await reason(resp); return; }
    await refresh();
  };
  release.onclick = async () => {
    await post(`/api/v1/reviews/${encodeURIComponent(r.scan.id)}/release`, {});
    await refresh();
  };
}

async function reason(resp) {
  try { const b = await resp.json(); return b.error || String(resp.status); } catch { return String(resp.status); }
}

/** Re-reads the scan's review state (after a claim, a release or a verdict) without reloading the image. */
async function refresh() {
  const r = await json(`/api/v1/reviews/${encodeURIComponent(current.review.scan.id)}`);
  current.review = r;
  $("#review-state").innerHTML = `${esc(stateSentence(r))} ${r.overdue ? `<span class="chip red">${esc(t("review.overdue"))}</span>` : ""}`;
  $("#claim-error").textContent = "";
  wireClaim(r);
  history(r);
  if (current.viewer && current.viewer.info) current.viewer.setReviewed(reviewedRegions(r));
  const chip = document.querySelector(".detail-head h2 .chip");
  if (chip && r.channel) chip.outerHTML = channel(r.channel);
}

async function send(verdict) {
  $("#verdict-error").textContent = "";
  const regions = current.regions.map(r => ({image: r.image, x: r.x, y: r.y, width: r.width, height: r.height, label: r.label}));
  const resp = await post(`/api/v1/reviews/${encodeURIComponent(current.review.scan.id)}/verdict`,
    {verdict, reason: $("#verdict-reason").value.trim() || undefined, regions});
  if (!resp.ok) { $("#verdict-error").textContent = await reason(resp); return; }
  current.regions = [];
  current.viewer.setRegions([]);
  regionList(current.viewer);
  $("#verdict-reason").value = "";
  await refresh();
  const after = current.review;
  $("#verdict-error").textContent = "";
  $("#review-state").insertAdjacentHTML("beforeend", ` <b class="sent">${esc(t(after.state === "done" ? "review.sentFinal" : "review.sentSecond"))}</b>`);
}

/** The declaration the scan is linked to, and the passage's other evidence (radiation, OCR, seal). */
async function declarationSide(s) {
  const box = $("#review-declaration");
  const links = await json(`/api/v1/events/${encodeURIComponent(s.id)}/links`);
  const numbers = [...new Set((links.links || links.declarations || []).map(l => l.declaration || l.number).filter(Boolean))];
  if (!numbers.length) { box.innerHTML = `<h3>${esc(t("review.declarationTitle"))}</h3><p class="muted">${esc(t("review.noDeclaration"))}</p>`; return; }
  const detail = await json(`/api/v1/declarations/${encodeURIComponent(numbers[0])}/detail`);
  const risk = detail.risk && detail.risk.event && detail.risk.event.data;
  const evidence = (detail.events || []).map(x => x.event || x).filter(e => ["radiation.occupancy", "radiation.alarm", "ocr.read", "seal.status", "scan.verdict"].includes(e.kind));
  box.innerHTML = `<h3>${esc(t("review.declarationTitle"))}</h3>${declarationCard(detail.declaration)}
    ${risk ? `<p class="sentence">${esc(t("review.riskNow", {channel: t(`channel.${risk.channel}`), score: number(risk.score)}))}</p>` : ""}
    <h3>${esc(t("review.evidenceTitle"))}</h3>${evidence.length ? `<ul class="evidence">${evidence.slice(-12).map(e =>
      `<li><span class="muted">${esc(when(e.observedAt))}</span> ${esc(kindName(e.kind))}: ${esc(describe(e))}</li>`).join("")}</ul>` : `<p class="muted">${esc(t("review.noEvidence"))}</p>`}`;
  current.declaration = detail.declaration;
}

/** Earlier scans of the same containers (and of the same HS heading, when the hub has them), side by side. */
async function previousScans(s) {
  const box = $("#previous");
  const data = await json(`/api/v1/reviews/${encodeURIComponent(s.id)}/previous`);
  const groups = [["container", data.sameContainer || []], ["goods", data.sameGoods || []]];
  box.innerHTML = groups.map(([what, list]) => `<div class="thumb-group"><h4>${esc(t(`review.previous.${what}`, {list: (what === "container" ? s.containers : data.headings || []).join(", ") || "–"}))}</h4>
    ${list.length ? list.map(p => `<figure class="thumb"><a href="#review/${esc(encodeURIComponent(p.id))}"><canvas data-sha="${esc(p.image ? p.image.sha256 : "")}" width="240" height="120"></canvas></a>
      <figcaption>${esc(when(p.observedAt))} · ${esc(p.verdict ? verdictWord(p.verdict) : t("review.noVerdict"))}</figcaption></figure>`).join("")
      : `<p class="muted">${esc(t("review.previous.none"))}</p>`}</div>`).join("");
  for (const c of box.querySelectorAll("canvas[data-sha]")) if (c.dataset.sha) thumbnail(c.dataset.sha, c).catch(() => {});
}

