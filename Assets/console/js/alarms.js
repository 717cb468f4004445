// The alarm queue: each open alarm as a sentence with its evidence (and, for a portal monitor, the
// count-rate chart), a flash and a repeating tone until it is acknowledged, then adjudication with
// a code and secondary inspection. Acknowledging is the hub's record (who and when, audited): an
// alarm another console acknowledged stops sounding here too. Keyboard: ↑/↓ choose an alarm,
// A acknowledges, 1–5 pick a code, Enter records; M mutes the tone for every alarm.
import { t, apply } from "./i18n.js";
import { json, post } from "./api.js";
import { time, ago, esc } from "./format.js";
import { headline, facts, sentence, reporter, CODES, SECONDARY, codeOf, codeText, outcomeText } from "./words.js";
import * as countrate from "./countrate.js";

const open = new Map();           // card's first event id → {event, members, ctx, acknowledged, acknowledgement}
const member = new Map();         // a grouped event's id → its card's id
const decided = new Map();        // event id → {outcome, by} for alarms adjudicated on this screen
let muted = false, audio = null, toneTimer = null;
let onShowPlace = () => {};

export function whenPlaceAsked(f) { onShowPlace = f; }
export function unlockAudio() { try { audio = audio || new AudioContext(); } catch (e) { /* no audio device */ } }
export function setMuted(m) { muted = m; tone(); }

function beep() {
  // Counted so that a headless browser test can tell the cue was given.
  window.niihubBeeps = (window.niihubBeeps || 0) + 1;
  if (muted) return;
  try {
    audio = audio || new AudioContext();
    const o = audio.createOscillator(), g = audio.createGain();
    o.type = "square"; o.frequency.value = 880; g.gain.value = 0.12;
    o.connect(g); g.connect(audio.destination);
    o.start(); o.stop(audio.currentTime + 0.3);
  } catch (e) { /* no audio device: the flash still shows */ }
}

/** The tone repeats every 5 s while an alarm is unacknowledged; acknowledging silences that alarm. */
function tone() {
  const waiting = [...open.values()].some(a => !a.acknowledged);
  document.body.classList.toggle("alerting", waiting);
  if (waiting && !toneTimer) toneTimer = setInterval(beep, 5000);
  if (!waiting && toneTimer) { clearInterval(toneTimer); toneTimer = null; }
}

function codeOptions(id) {
  return CODES.map((c, i) => `<label class="code code-${c.key}"><input type="radio" name="code" value="${c.code}">
    <kbd>${i + 1}</kbd> <span data-i18n="code.${c.key}">${esc(t(`code.${c.key}`))}</span></label>`).join("");
}

function card(a) {
  const e = a.event, li = document.createElement("li");
  li.className = "alarm-card" + (a.fresh ? " new" : "") + (a.acknowledged ? " acknowledged" : "");
  li.dataset.event = e.id;
  li.dataset.kind = e.kind;
  li.tabIndex = 0;
  // A portal monitor's lines give a count-rate chart; an instrument's spectrum is the analyst's screen.
  // Gamma only: the chart draws the monitor's gamma lines.
  const gamma = e.kind === "radiation.alarm" ? (e.data || {}).radiation !== "neutron" : !!(e.data || {}).gammaAlarm;
  const radiation = gamma && ((e.kind === "radiation.alarm" && e.device.family === "radiation-portal") || e.kind === "radiation.occupancy");
  const place = e.data && e.data.lat != null && e.data.lon != null;
  li.innerHTML = `
    <div class="alarm-head"><span class="sev" aria-hidden="true">!</span><b class="headline"></b>
      <time datetime="${esc(e.observedAt)}"></time><span class="ago muted"></span></div>
    <p class="facts sentence"></p>
    <p class="device muted"></p>
    ${radiation ? `<div class="chart-box"><canvas></canvas><p class="chart-note muted"></p></div>` : ""}
    ${place ? `<button type="button" class="link show-place" data-i18n="alarm.showOnMap"></button>` : ""}
    <form class="adjudicate">
      <div class="step"><button type="button" class="ack primary" ${a.acknowledged ? "disabled" : ""}><span data-i18n="alarm.acknowledge"></span> <kbd>A</kbd></button>
        <span class="ack-note muted"></span></div>
      <fieldset class="decide" ${a.acknowledged ? "" : "disabled hidden"}>
        <legend data-i18n="alarm.codeLegend"></legend>
        <div class="codes">${codeOptions(e.id)}</div>
        <div class="row">
          <label><span data-i18n="secondary.label"></span>
            <select name="secondaryInspection">${SECONDARY.map(s => `<option value="${s}" data-i18n="secondary.${s}"></option>`).join("")}</select></label>
          <label class="isotopes"><span data-i18n="alarm.isotopes"></span> <input name="isotopes" data-i18n-placeholder="alarm.isotopesHint"></label>
        </div>
        <label class="note"><span data-i18n="alarm.note"></span> <input name="note" data-i18n-placeholder="alarm.noteHint"></label>
        <div class="row"><button type="submit" class="primary record"><span data-i18n="alarm.record"></span> <kbd>Enter</kbd></button>
          <span class="form-error error" role="alert"></span></div>
      </fieldset>
    </form>`;
  li.querySelector("button.ack").addEventListener("click", () => acknowledge(e.id));
  li.querySelector("form").addEventListener("submit", ev => { ev.preventDefault(); adjudicate(e.id, ev.target); });
  const show = li.querySelector(".show-place");
  if (show) show.addEventListener("click", () => onShowPlace(e.data.lat, e.data.lon, sentence(e, a.ctx)));
  fill(li, a);
  return li;
}

/** The texts of a card, again after a language change or when more evidence is known. */
function fill(li, a) {
  const e = a.event;
  apply(li);
  li.querySelector(".headline").textContent = headline(e);
  li.querySelector("time").textContent = time(e.observedAt);
  li.querySelector(".ago").textContent = ago(e.observedAt);
  li.querySelector(".facts").textContent = facts(e, a.ctx).join(" · ");
  const also = [...new Set(a.members.slice(1).map(m => m.kind === "radiation.occupancy" ? t("alarm.memberOccupancy")
    : m.kind === "gate.passage" ? t("alarm.memberPassage") : headline(m)))];
  li.querySelector(".device").textContent = reporter(e) + (also.length ? " · " + t("alarm.also", {list: also.join("; ")}) : "");
  const ack = a.acknowledgement;
  li.querySelector(".ack-note").textContent = a.ackError ? t("alarm.ackFailed", {reason: a.ackError})
    : ack ? t("alarm.acknowledgedBy", {user: ack.by, time: time(ack.at)}) : t("alarm.ackFirst");
  const note = li.querySelector(".chart-note");
  if (note) note.textContent = a.chart === "none" ? t("chart.none") : a.chart === "waiting" ? t("chart.waiting") : a.chart === "drawn" ? "" : t("chart.loading");
  const box = li.querySelector(".chart-box");
  if (box) box.classList.toggle("empty", a.chart !== "drawn");
}

/** The truck an alarm is about, before its passage is assembled: the plate and container read
 *  nearest in time in its lane (OCR, scan), within a minute before and half a minute after. */
async function context(e) {
  const ctx = {plates: [], containers: [], declaration: null};
  const own = e.subject || {};
  if (!e.lane || (own.plates || []).length || (own.containers || []).length) return ctx;
  const at = new Date(e.observedAt).getTime();
  const since = new Date(at - 60e3).toISOString(), until = new Date(at + 30e3).toISOString();
  const r = await json(`/api/v1/events?lane=${encodeURIComponent(e.lane)}&since=${since}&until=${until}&limit=200`).catch(() => null);
  const reads = ((r && r.events) || []).filter(x => ["ocr.read", "scan.result"].includes(x.kind))
    .sort((x, y) => Math.abs(new Date(x.observedAt) - at) - Math.abs(new Date(y.observedAt) - at));
  const plate = reads.find(x => ((x.subject || {}).plates || []).length);
  const container = reads.find(x => ((x.subject || {}).containers || []).length);
  if (plate) ctx.plates = [plate.subject.plates[0]];
  if (container) ctx.containers = container.subject.containers.slice(0, 2);
  return ctx;
}

async function enrich(a) {
  // The vehicle's assembled passage, once it is in the card, says best which truck it was.
  const passage = a.members.find(m => m.kind === "gate.passage");
  const ps = (passage && passage.subject) || {};
  const ctx = (ps.plates || []).length || (ps.containers || []).length
    ? {plates: ps.plates || [], containers: ps.containers || [], declaration: ps.declaration || null}
    : await context(a.event).catch(() => a.ctx || {});
  const neutron = (a.event.data || {}).radiation === "neutron";
  if (a.ctx && a.ctx.backgroundCps != null && !neutron) ctx.backgroundCps = a.ctx.backgroundCps;
  const occupancy = a.members.find(m => m.kind === "radiation.occupancy");
  if (occupancy && !neutron) {
    ctx.peakCps = occupancy.data.maxGammaCps;
    if (occupancy.data.gammaBackgroundCps != null) ctx.backgroundCps = countrate.backgroundPerDetector({background: {gammaCps: occupancy.data.gammaBackgroundCps}});
  }
  // A passage whose portal alarm was adjudicated on this screen already says so.
  const before = a.event.kind === "gate.passage" && ((a.event.data || {}).events || []).map(id => decided.get(id)).find(Boolean);
  if (before) ctx.earlier = before;
  a.ctx = ctx;
  const li = document.querySelector(`#alarms li[data-event="${a.event.id}"]`);
  const canvas = li && li.querySelector("canvas");
  if (canvas && a.chart !== "drawn") {
    const s = await countrate.series(a.event).catch(() => null);
    const background = s && s.gamma ? countrate.backgroundPerDetector(s) : null;
    if (background != null && a.event.kind === "radiation.alarm") a.ctx.backgroundCps = background;
    a.series = s && s.gamma ? s : null;
    a.chart = s && s.waiting ? "waiting" : a.series && countrate.draw(canvas, a.series) ? "drawn" : "none";
  }
  if (li) fill(li, a);
}

/** The open card an alarm belongs to: one vehicle's portal alarm, its occupancy and its passage are one card. */
function owner(e) {
  const d = e.data || {};
  if (e.kind === "gate.passage" && Array.isArray(d.events)) {
    // The passage joins the vehicle's radiation card first, else any card whose event it holds.
    const cards = [...open.values()].filter(a => a.members.some(m => d.events.includes(m.id)));
    return cards.find(a => a.event.kind.startsWith("radiation.")) || cards[0] || null;
  }
  for (const a of open.values()) {
    const p = a.event;
    if (e.kind === "radiation.occupancy" && p.kind === "radiation.alarm" && p.device.id === e.device.id) {
      const at = new Date(p.observedAt).getTime();
      if (at >= new Date(d.startedAt).getTime() - 1000 && at <= new Date(d.endedAt || e.observedAt).getTime() + 1000) return a;
    }
  }
  return null;
}

/** An alarm on the queue; `ack` is its acknowledgement when the hub has one ({by, at}). */
export function add(e, fresh, ack) {
  if (open.has(e.id) || member.has(e.id)) return;
  const host = owner(e);
  if (host) {
    host.members.push(e);
    member.set(e.id, host.event.id);
    const li = document.querySelector(`#alarms li[data-event="${host.event.id}"]`);
    if (li) li.dataset.members = host.members.map(m => m.id).join(" ");
    if (ack && !host.acknowledged) mark(host, ack, false);
    enrich(host);
    return;
  }
  const a = {event: e, members: [e], ctx: {}, acknowledged: !!ack, acknowledgement: ack || null, fresh: fresh && !ack, chart: "loading"};
  open.set(e.id, a);
  const list = document.getElementById("alarms");
  list.prepend(card(a));
  count();
  enrich(a);
  if (a.fresh) {
    beep();
    // From the hub receiving the bytes to the frame that paints the card (an upper bound on
    // store → screen): taken in the next animation frame, not when the card enters the page.
    requestAnimationFrame(() => { window.niihubAlarmLatencyMs = Date.now() - Date.parse(e.receivedAt); });
  }
  tone();
}

export function remove(id) {
  if (member.has(id)) {
    const host = open.get(member.get(id));
    member.delete(id);
    if (host) host.members = host.members.filter(m => m.id !== id);
    return;
  }
  const a = open.get(id);
  if (a) a.members.forEach(m => member.delete(m.id));
  open.delete(id);
  const li = document.querySelector(`#alarms li[data-event="${id}"]`);
  if (li) li.remove();
  count();
  tone();
}

export function clear() {
  open.clear(); member.clear();
  document.getElementById("alarms").innerHTML = "";
  count(); tone();
}

function count() {
  document.getElementById("alarm-count").textContent = open.size;
  document.getElementById("alarms-empty").hidden = open.size > 0;
}

/** The card shows who acknowledged it and when, takes the code, and stops sounding. */
function mark(a, ack, focus) {
  a.acknowledged = true;
  a.acknowledgement = ack;
  a.ackError = null;
  const li = document.querySelector(`#alarms li[data-event="${a.event.id}"]`);
  if (li) {
    li.classList.remove("new"); li.classList.add("acknowledged");
    const decide = li.querySelector("fieldset.decide");
    decide.disabled = false; decide.hidden = false;
    li.querySelector("button.ack").disabled = true;
    fill(li, a);
    const first = li.querySelector('input[name="code"]');
    if (focus && first) first.focus();
  }
  tone();
}

/** Acknowledges a card at the hub: its first event, then the vehicle's other alarms on it. The
 *  first acknowledgement of an alarm stands, so the card shows whoever was first. */
export async function acknowledge(id) {
  const a = open.get(id);
  if (!a || a.acknowledged || a.acknowledging) return;
  a.acknowledging = true;
  const li = document.querySelector(`#alarms li[data-event="${id}"]`);
  if (li) li.querySelector("button.ack").disabled = true;
  try {
    const r = await post(`/api/v1/alarms/${encodeURIComponent(id)}/acknowledgement`, {});
    if (!r.ok) throw new Error(((await r.json().catch(() => ({}))).error) || String(r.status));
    const ack = await r.json();
    for (const m of a.members.slice(1)) await post(`/api/v1/alarms/${encodeURIComponent(m.id)}/acknowledgement`, {}).catch(() => null);
    // The live feed may have marked it first; the code is offered unless the officer is already choosing one.
    const choosing = li && li.contains(document.activeElement) && document.activeElement.name === "code";
    if (open.get(id) === a) mark(a, {by: ack.by, at: ack.at}, !choosing);
  } catch (err) {
    a.ackError = err.message;
    if (li) { li.querySelector("button.ack").disabled = false; fill(li, a); }
  } finally { a.acknowledging = false; }
}

/** The live feed says an alarm was acknowledged (here or on another console). */
export function acknowledgedElsewhere(ack) {
  const a = open.get(ack.eventID) || open.get(member.get(ack.eventID));
  if (a && !a.acknowledged) mark(a, {by: ack.by, at: ack.at}, false);
}

async function adjudicate(id, form) {
  const error = form.querySelector(".form-error");
  const code = (form.querySelector('input[name="code"]:checked') || {}).value;
  if (!code) { error.textContent = t("alarm.chooseCode"); return; }
  const note = form.note.value.trim();
  const body = {code, secondaryInspection: form.secondaryInspection.value,
    isotopes: form.isotopes.value.split(",").map(s => s.trim()).filter(Boolean)};
  if (note) body.note = note;
  // The card's first event, then the rest of the same vehicle's alarms, with the same outcome.
  const ids = (open.get(id) || {members: [{id}]}).members.map(m => m.id);
  const r = await post(`/api/v1/alarms/${encodeURIComponent(id)}/adjudication`, body);
  if (r.ok) {
    const recorded = await r.clone().json().catch(() => ({}));
    ids.forEach(x => decided.set(x, {outcome: codeText(code), by: recorded.by || ""}));
    for (const other of ids.slice(1)) await post(`/api/v1/alarms/${encodeURIComponent(other)}/adjudication`, body).catch(() => null);
    remove(id); document.dispatchEvent(new CustomEvent("niihub:adjudicated"));
  }
  else error.textContent = t("alarm.notRecorded", {reason: ((await r.json().catch(() => ({}))).error) || r.status});
}

/** The recent adjudications, newest first: the alarm's sentence, the code, secondary inspection, who and when. */
export function drawAdjudicated(list) {
  for (const x of list) if (!decided.has(x.event.id)) decided.set(x.event.id, {outcome: outcomeText(x.adjudication), by: x.adjudication.by});
  // One vehicle's alarms are adjudicated together: show that once.
  const seen = new Set();
  const once = list.filter(x => {
    const a = x.adjudication, key = `${a.by}|${a.code}|${a.outcome}|${a.note}|${Math.round(Date.parse(a.at) / 10000)}|${x.event.lane}`;
    return seen.has(key) ? false : seen.add(key);
  });
  document.getElementById("adjudicated").innerHTML = once.slice(0, 12).map(x => {
    const a = x.adjudication, {note} = codeOf(a);
    return `<li data-event="${esc(x.event.id)}"><span class="what">${esc(headline(x.event))}${x.event.lane ? " · " + esc(t("alarm.lane", {lane: x.event.lane})) : ""}</span>
      <span class="outcome">${esc(outcomeText(a))}</span>
      <span class="secondary">${esc(t(`secondary.${SECONDARY.includes(a.secondaryInspection) ? a.secondaryInspection : "none"}`))}</span>
      ${note ? `<span class="note">${esc(note)}</span>` : ""}
      ${a.isotopes && a.isotopes.length ? `<span class="isotopes">${esc(a.isotopes.join(", "))}</span>` : ""}
      ${x.acknowledgement ? `<span class="acked muted">${esc(t("adjudicated.acknowledgedBy", {user: x.acknowledgement.by, time: time(x.acknowledgement.at)}))}</span>` : ""}
      <span class="by muted">${esc(t("adjudicated.by", {user: a.by, time: time(a.at)}))}</span></li>`;
  }).join("") || `<li class="empty">${esc(t("adjudicated.none"))}</li>`;
}

export function redraw(language = false) {
  for (const a of open.values()) {
    const li = document.querySelector(`#alarms li[data-event="${a.event.id}"]`);
    if (!li) continue;
    fill(li, a);
    // The chart's legend and axes are words too.
    if (language && a.chart === "drawn") countrate.draw(li.querySelector("canvas"), a.series);
  }
}

/** Refreshes context (a passage may have arrived since) and the "ago" texts. */
export function tick() {
  // Evidence still missing is looked for again, for a minute (the passage follows the occupancy).
  for (const a of open.values()) {
    if ((!a.ctx || !(a.ctx.plates || []).length || a.chart === "none" || a.chart === "waiting") && (a.tries = (a.tries || 0) + 1) <= 30) enrich(a);
  }
  redraw();
}

function selected() { return document.activeElement && document.activeElement.closest ? document.activeElement.closest("#alarms li[data-event]") : null; }

export function keyboard(ev) {
  if (ev.target.matches("input[type=text], input:not([type]), input[type=password], select, textarea") && ev.key !== "Escape") return;
  const cards = [...document.querySelectorAll("#alarms li[data-event]")];
  const li = selected();
  const i = li ? cards.indexOf(li) : -1;
  if (ev.key === "ArrowDown" || ev.key === "j") { (cards[i + 1] || cards[0])?.focus(); ev.preventDefault(); }
  else if (ev.key === "ArrowUp" || ev.key === "k") { (cards[i - 1] || cards[cards.length - 1])?.focus(); ev.preventDefault(); }
  else if (ev.key === "m" || ev.key === "M") document.getElementById("mute").click();
  else if (!li && cards.length && /^[aA1-5]$/.test(ev.key)) { cards[0].focus(); keyboard(ev); }
  else if (li && (ev.key === "a" || ev.key === "A")) { acknowledge(li.dataset.event); ev.preventDefault(); }
  else if (li && /^[1-5]$/.test(ev.key)) {
    const r = li.querySelectorAll('input[name="code"]')[Number(ev.key) - 1];
    if (r && !r.disabled) { r.checked = true; r.focus(); ev.preventDefault(); }
  } else if (li && ev.key === "Enter" && !ev.target.matches("button")) {
    const form = li.querySelector("form.adjudicate");
    if (!form.querySelector("fieldset.decide").disabled) { form.requestSubmit(); ev.preventDefault(); }
  } else if (ev.key === "Escape" && li) li.focus();
}
