// A passage as the analyst reads it: its timeline in the site's time (reads with confidence and
// repairs, entry into the portal, radiation alarms, the occupancy with its count-rate chart, the
// scan with its threat detection and images, seal reports, the assembled passage), the linked
// declaration and its risk assessment beside it, and the raw evidence: each record's exact bytes,
// downloaded and checked against the SHA-256 the event names, in this browser.
import { t, tn } from "./i18n.js";
import { json } from "./api.js";
import { number, esc } from "./format.js";
import * as countrate from "./countrate.js";
import * as evidence from "./evidence.js";
import * as chain from "./analysis-chain.js";
import { clock, when, describe, kindName, source, otherRepairs, missingText, atdWord, passageName, seconds, plate, percent, quoted } from "./analysis-words.js";
import { declarationCard, riskBlock, linkWords } from "./analysis-declaration.js";

const THREATS = ["anomaly", "organic", "metal", "weapon", "narcotics", "currency", "explosive"];
const VIEWABLE = ["png", "jpeg"];
const VIEWS = ["side", "top", "front", "rear", "oblique"];

function threatWord(x) { return !x ? t("analysis.threat.unnamed") : THREATS.includes(x) ? t(`analysis.threat.${x}`) : quoted(x); }

/** The summary sentence: the vehicle and its cargo, the lane and times, the checks, the declarations. */
function summary(p) {
  const truck = p.plates.length ? t("alarm.truck", {plate: p.plates.map(plate).join(", ")}) : t("analysis.noPlate");
  const cargo = p.containers.length ? t(p.containers.length > 1 ? "alarm.containers" : "alarm.container", {list: p.containers.join(", ")}) : t("analysis.noContainer");
  const span = (new Date(p.endedAt) - new Date(p.startedAt)) / 1000;
  const first = t("analysis.passageSentence", {truck, cargo, lane: p.lane || "–", from: clock(p.startedAt), to: clock(p.endedAt), duration: seconds(span)});
  const parts = [first.charAt(0).toLocaleUpperCase() + first.slice(1)];
  parts.push(p.rpmResult === "alarm" ? t("analysis.rpmSentence.alarm") : p.rpmResult === "clear" ? t("analysis.rpmSentence.clear") : t("analysis.rpmSentence.none"));
  parts.push(p.scanResult ? t("analysis.scanSentence", {result: atdWord(p.scanResult)}) : t("analysis.scanSentenceNone"));
  if (p.missing.length) parts.push(t("analysis.missingSentence", {list: missingText(p.missing)}));
  parts.push(p.declarations.length ? t("analysis.linkedTo", {list: p.declarations.map(d => d.number).join(", ")}) : t("analysis.linkedToNone"));
  return parts.join(" ");
}

/** A scan's images from the hub's blob store, drawn (PNG and JPEG as they are, PGM on a canvas) with
 *  the threat detection's regions over them; other formats are offered for download. */
async function scanImages(box, e) {
  const d = e.data || {};
  const regions = d.atdRegions || [];
  for (const img of d.images || []) {
    const fig = document.createElement("figure");
    fig.className = "scan-image";
    fig.dataset.image = img.name;
    const view = VIEWS.includes(img.view) ? t(`analysis.view.${img.view}`) : img.view || img.name;
    const caption = ["other", "raw"].includes(img.format) || !img.format ? t("analysis.imageView", {view})
      : t("analysis.imageCaption", {view, format: img.format.toUpperCase()});
    fig.innerHTML = `<div class="frame"></div><figcaption>${esc(caption)} <span class="img-status muted"></span></figcaption>`;
    box.appendChild(fig);
    const frame = fig.querySelector(".frame"), status = fig.querySelector(".img-status");
    let bytes;
    try { bytes = await evidence.blob(img.sha256); } catch (err) { status.textContent = t("analysis.imageMissing"); fig.classList.add("missing"); continue; }
    let size = null;
    const grey = evidence.pgm(bytes);
    if (grey) {
      const canvas = document.createElement("canvas");
      evidence.drawGrey(canvas, grey);
      frame.appendChild(canvas);
      size = {w: grey.width, h: grey.height};
    } else if (VIEWABLE.includes(img.format)) {
      const el = new Image();
      el.src = URL.createObjectURL(new Blob([bytes], {type: `image/${img.format}`}));
      await el.decode().catch(() => {});
      frame.appendChild(el);
      size = el.naturalWidth ? {w: el.naturalWidth, h: el.naturalHeight} : null;
    }
    if (!size) { status.textContent = t("analysis.imageNotShown"); continue; }
    fig.classList.add("drawn");
    for (const r of regions.filter(r => !r.image || r.image === img.name)) {
      const mark = document.createElement("div");
      mark.className = "region";
      Object.assign(mark.style, {left: `${(100 * r.x) / size.w}%`, top: `${(100 * r.y) / size.h}%`, width: `${(100 * r.width) / size.w}%`, height: `${(100 * r.height) / size.h}%`});
      mark.innerHTML = `<span>${esc(threatWord(r.threat))}${r.confidence != null ? " " + esc(percent(r.confidence)) : ""}</span>`;
      frame.appendChild(mark);
    }
    const check = await evidence.sha256(bytes);
    status.textContent = check.hex === img.sha256 ? t("analysis.imageChecked") : t("analysis.hashDiffers");
  }
}

function scanDetails(e) {
  const d = e.data || {};
  const out = [];
  if (d.scanner) out.push(t("analysis.scanner", {scanner: [d.scanner.manufacturer, d.scanner.model, d.scanner.technology].filter(Boolean).join(" ") || d.scanner.id}));
  if (d.atdAlgorithm) out.push(t("analysis.algorithm", {name: d.atdAlgorithm}));
  const regions = d.atdRegions || [];
  if (regions.length) out.push(tn("analysis.regions", regions.length, {n: number(regions.length), list: regions.map(r => threatWord(r.threat) + (r.confidence != null ? " " + percent(r.confidence) : "")).join(", ")}));
  if (d.operatorVerdict && d.operatorVerdict.comment) out.push(t("analysis.verdictComment", {comment: d.operatorVerdict.comment}));
  if (d.imageProblems && d.imageProblems.length) out.push(tn("analysis.imageProblems", d.imageProblems.length, {n: number(d.imageProblems.length)}));
  if (!(d.images || []).length) out.push(t("analysis.noImages"));
  return out.join(" · ");
}

function entry(x, passage) {
  const e = x.event;
  const li = document.createElement("li");
  li.className = `entry kind-${e.kind.replace(/[^a-z-]/g, "-")}${e.severity === "alarm" ? " alarm" : ""}`;
  li.dataset.kind = e.kind;
  const links = (x.links || []).length ? `<p class="links muted">${esc(t("analysis.linksLine", {words: linkWords(x.links, e)}))}</p>` : "";
  const extra = e.kind === "ocr.read" ? otherRepairs(e.data || {}) : e.kind === "scan.result" ? scanDetails(e) : "";
  const own = e.id === passage.id;
  li.innerHTML = `<time datetime="${esc(e.observedAt)}">${esc(clock(e.observedAt))}</time>
    <div class="what"><p><b>${esc(own ? t("analysis.assembled") : kindName(e.kind))}</b> <span class="muted">${esc(source(e))}</span></p>
      <p class="sentence">${esc(describe(e))}</p>${extra ? `<p class="muted">${esc(extra)}</p>` : ""}${links}</div>`;
  const what = li.querySelector(".what");
  if (e.kind === "radiation.occupancy") {
    const box = document.createElement("div");
    box.className = "chart-box";
    box.innerHTML = `<canvas aria-label="${esc(t("analysis.chartLabel"))}"></canvas><p class="chart-note muted">${esc(t("chart.loading"))}</p>`;
    what.appendChild(box);
    const n42 = document.createElement("p");
    n42.innerHTML = `<a href="/api/v1/events/${esc(e.id)}/n42" download="occupancy-${esc(e.id.slice(-8))}.n42" class="n42">${esc(t("analysis.n42Long"))}</a>`;
    what.appendChild(n42);
    countrate.series(e).then(s => {
      const drawn = countrate.draw(box.querySelector("canvas"), s);
      box.classList.toggle("empty", !drawn);
      box.querySelector(".chart-note").textContent = drawn ? "" : t("chart.none");
      box.dataset.drawn = String(drawn);
    });
  }
  if (e.kind === "radiation.measurement") {
    const p = document.createElement("p");
    p.innerHTML = `<a href="#measurement/${esc(e.id)}" class="open-measurement">${esc(t("measurement.open"))}</a>`;
    what.appendChild(p);
  }
  if (e.kind === "scan.result" && (e.data.images || []).length) {
    const box = document.createElement("div");
    box.className = "scan-images";
    what.appendChild(box);
    scanImages(box, e);
  }
  return li;
}

/** A line of the evidence table: what the record is, from which device, its hash, and the check. */
function evidenceRow(e, label) {
  return `<tr data-sha="${esc(e.raw.sha256)}" data-device="${esc(e.device.id)}"><td>${esc(label)}<br><span class="muted">${esc(t("analysis.receivedAt", {time: when(e.receivedAt)}))}</span></td>
    <td>${esc(e.device.id)}</td><td><code class="sha">${esc(e.raw.sha256)}</code></td>
    <td><button type="button" class="check">${esc(t("analysis.downloadCheck"))}</button><span class="result" role="status"></span><span class="chain-result" role="status"></span></td></tr>`;
}

async function downloadAndCheck(tr) {
  const result = tr.querySelector(".result");
  result.className = "result muted";
  result.textContent = t("analysis.checking");
  try {
    const {bytes, record} = await evidence.rawRecord(tr.dataset.sha);
    const got = await evidence.sha256(bytes);
    const ok = got.hex === tr.dataset.sha;
    evidence.save(bytes, evidence.fileName(record.device, tr.dataset.sha, bytes));
    result.className = "result " + (ok ? "ok" : "error");
    result.textContent = ok ? t("analysis.hashMatches", {bytes: number(bytes.length)}) : t("analysis.hashMismatch", {got: got.hex});
    result.dataset.computed = got.hex;
    result.dataset.how = got.how;
    await chainSentence(tr.querySelector(".chain-result"), tr.dataset.sha, got.hex);
  } catch (err) {
    result.className = "result error";
    result.textContent = t("analysis.downloadFailed", {reason: err.message});
  }
}

/** After the bytes' own check: the record's link in the archive's hash chain, recomputed here. */
async function chainSentence(out, sha, computed) {
  out.className = "chain-result muted";
  out.textContent = t("analysis.chainChecking");
  let c;
  try {
    c = await chain.check(sha, computed);
  } catch (err) {
    c = {ok: false, why: "fetch", detail: err.message};
  }
  out.className = "chain-result " + (c.ok ? "ok" : "error");
  out.dataset.verified = String(c.ok);
  if (c.why === "fetch") { out.textContent = t("analysis.chainUnavailable", {reason: c.detail}); return; }
  const where = {seq: number(c.seq), head: number(c.head)};
  if (!c.ok) { out.textContent = t("analysis.chainBroken", {...where, reason: t(`analysis.chainWhy.${c.why}`)}); return; }
  out.textContent = t(c.next === "verified" ? "analysis.chainVerified" : c.next === "purged" ? "analysis.chainVerifiedNextPurged" : "analysis.chainVerifiedNewest", where);
}

/** The passage's page. */
export async function show(id, into) {
  const r = await json(`/api/v1/passages/${encodeURIComponent(id)}`);
  const p = r.passage;
  // Radiation alarm lines while the vehicle was in the portal are not members of the passage: asked for by lane and time.
  const alarms = p.lane && p.startedAt ? await json(`/api/v1/events?kind=radiation.alarm&lane=${encodeURIComponent(p.lane)}&since=${encodeURIComponent(p.startedAt)}&until=${encodeURIComponent(p.endedAt)}&order=asc&limit=20`)
    .then(x => x.events.filter(e => e.device.family === "radiation-portal").map(e => ({event: e, links: []}))).catch(() => []) : [];
  const declarations = await Promise.all(p.declarations.map(d => json(`/api/v1/declarations/${encodeURIComponent(d.number)}/detail`).catch(() => null)));
  const entries = [...r.members, ...alarms, r.event].sort((a, b) => (a.event.observedAt < b.event.observedAt ? -1 : a.event.observedAt > b.event.observedAt ? 1 : 0));
  const known = new Map(entries.map(x => [x.event.id, x.event]));
  declarations.filter(Boolean).forEach(x => x.events.forEach(y => known.set(y.event.id, y.event)));

  const side = declarations.filter(Boolean).map(x => {
    const mine = r.event.links.filter(l => l.declaration === x.declaration.number);
    const linked = mine.length ? esc(t("analysis.linkedBecause", {words: linkWords(mine, r.event)})) : "";
    return declarationCard(x.declaration, {linked}) + riskBlock(x.risk ? x.risk.event : null, known, p.id);
  }).join("") || `<p class="muted">${esc(t("analysis.noDeclarationLong"))}</p>`;

  const ambiguous = p.ambiguous ? `<p class="warning">${esc(t("analysis.ambiguous"))} ${p.ambiguities.map(a => esc(t("analysis.ambiguity", {
    what: known.get(a.event) ? kindName(known.get(a.event).kind) : t("analysis.otherEvent"), n: number(a.candidates.length), reason: quoted(a.reason)}))).join(" ")}</p>` : "";
  const evidenceRows = entries.map(x => evidenceRow(x.event, x.event.id === p.id ? t("analysis.assembled") : t("analysis.eventAt", {what: kindName(x.event.kind), time: clock(x.event.observedAt)})))
    .concat(declarations.filter(x => x && x.risk).map(x => evidenceRow(x.risk.event, t("analysis.riskOf", {number: x.declaration.number})))).join("");

  into.innerHTML = `<header class="detail-head"><h2>${esc(passageName(p))}</h2>
      <p class="sentence summary">${esc(summary(p))}</p>${ambiguous}
      ${p.revision > 1 ? `<p class="muted">${esc(t("analysis.revision", {n: number(p.revision)}))}</p>` : ""}</header>
    <div class="detail-grid passage-page">
      <section class="panel timeline-panel"><h3>${esc(t("analysis.timeline"))}</h3><p class="hint">${esc(t("analysis.timelineHint"))}</p><ol class="timeline"></ol></section>
      <aside class="panel side"><h3>${esc(t("analysis.declarationsTitle"))}</h3>${side}</aside>
      <section class="panel wide evidence-panel"><h3>${esc(t("analysis.rawTitle"))}</h3><p class="hint">${esc(t("analysis.rawHint"))}</p>
        <table class="compact evidence"><thead><tr><th>${esc(t("analysis.evidence"))}</th><th>${esc(t("analysis.device"))}</th><th>SHA-256</th><th>${esc(t("analysis.check"))}</th></tr></thead>
        <tbody>${evidenceRows}</tbody></table>
        <p class="chain hint">${esc(t("analysis.chainHint"))}</p></section>
    </div>`;
  const list = into.querySelector(".timeline");
  entries.forEach(x => list.appendChild(entry(x, p)));
  into.querySelector("table.evidence").addEventListener("click", ev => {
    const b = ev.target.closest("button.check");
    if (b) downloadAndCheck(b.closest("tr"));
  });
  return p;
}
export { when };
