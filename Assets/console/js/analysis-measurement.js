// An N42 instrument's measurement as the analyst reads it: a sentence (instrument, class, start in
// the site's time, live time, gamma and neutron counts per second, dose rate), its spectra on a
// logarithmic count axis against energy, the nuclides the instrument identified in the same
// document (its `radiation.alarm` events from the same raw record that name this measurement or the
// whole document), and the document's exact bytes to download.
import { t } from "./i18n.js";
import { json } from "./api.js";
import { number, esc } from "./format.js";
import * as spectrum from "./spectrum.js";
import * as evidence from "./evidence.js";
import { when, seconds, quoted, classWord } from "./analysis-words.js";

const CATEGORIES = ["Industrial", "Medical", "NORM", "SNM", "Special Nuclear Material", "Unknown"];

function instrumentName(d, e) {
  const i = d.instrument || {};
  const made = [i.manufacturer, i.model].filter(Boolean).join(" ");
  return made ? (i.identifier ? t("measurement.instrumentId", {name: made, id: i.identifier}) : made) : e.device.id;
}

function categoryWord(c) {
  if (!c) return t("measurement.category.none");
  const k = CATEGORIES.find(x => x.toLowerCase() === c.toLowerCase());
  return k ? t(`measurement.category.${k === "Special Nuclear Material" ? "SNM" : k}`) : quoted(c);
}

/** The summary sentence; every figure the document lacks is said in words. */
export function summary(e) {
  const d = e.data || {};
  const parts = [t("measurement.sentence", {instrument: instrumentName(d, e), kind: classWord(d.measurementClass),
    start: d.startedAt ? when(d.startedAt) : when(e.observedAt), n: number(d.measurementIndex), of: number(d.measurementCount)})];
  parts.push(d.liveTimeS != null ? t("measurement.live", {live: seconds(d.liveTimeS)}) + (d.realTimeS != null ? " " + t("measurement.real", {real: seconds(d.realTimeS)}) : "")
    : t("measurement.noLive"));
  parts.push(d.gammaCps != null ? t("measurement.gamma", {cps: number(d.gammaCps, 1), counts: number(d.gammaCounts)}) : t("measurement.noGamma"));
  parts.push(d.neutronCps != null ? t("measurement.neutron", {cps: number(d.neutronCps, 2), counts: number(d.neutronCounts)}) : t("measurement.noNeutron"));
  parts.push(d.doseRateUSvH != null ? t("measurement.dose", {dose: number(d.doseRateUSvH, 3)}) : t("measurement.noDose"));
  if (d.alarmed) parts.push(t("measurement.alarmed"));
  return parts.join(" ");
}

/** The instrument's alarms from the same document that concern this measurement. */
async function nuclideAlarms(e) {
  const q = new URLSearchParams({kind: "radiation.alarm", device: e.device.id, limit: "200"});
  const r = await json(`/api/v1/events?${q}`).catch(() => ({events: []}));
  const id = (e.data || {}).measurementId;
  return r.events.filter(a => a.raw && e.raw && a.raw.sha256 === e.raw.sha256
    && (!(a.data.measurements || []).length || a.data.measurements.includes(id)));
}

function nuclideRows(alarms) {
  const rows = [];
  for (const a of alarms) for (const n of a.data.nuclides || []) {
    rows.push(`<tr class="nuclide"><td><b>${esc(n.name)}</b></td><td>${esc(categoryWord(n.category))}</td>
      <td>${esc(n.confidence != null ? t("measurement.confidence", {n: number(n.confidence, n.confidence < 1 ? 2 : 0)}) : t("measurement.noConfidence"))}</td>
      <td class="muted">${esc(a.data.algorithm ? t("measurement.algorithm", {name: a.data.algorithm}) : t("measurement.noAlgorithm"))}</td></tr>`);
  }
  return rows;
}

async function download(e, status) {
  status.className = "result muted";
  status.textContent = t("analysis.checking");
  try {
    const {bytes, record} = await evidence.rawRecord(e.raw.sha256);
    const got = await evidence.sha256(bytes);
    evidence.save(bytes, evidence.fileName(record.device, e.raw.sha256, bytes));
    const ok = got.hex === e.raw.sha256;
    status.className = "result " + (ok ? "ok" : "error");
    status.textContent = ok ? t("analysis.hashMatches", {bytes: number(bytes.length)}) : t("analysis.hashMismatch", {got: got.hex});
  } catch (err) {
    status.className = "result error";
    status.textContent = t("analysis.downloadFailed", {reason: err.message});
  }
}

/** The measurement's page. */
export async function show(id, into) {
  const e = await json(`/api/v1/events/${encodeURIComponent(id)}`);
  if (e.kind !== "radiation.measurement") throw new Error(`${e.kind}: 404`);
  const d = e.data || {};
  const alarms = await nuclideAlarms(e);
  const rows = nuclideRows(alarms);
  const nuclides = rows.length ? `<table class="compact nuclides"><thead><tr><th>${esc(t("measurement.nuclide"))}</th><th>${esc(t("measurement.categoryHead"))}</th>
      <th>${esc(t("measurement.confidenceHead"))}</th><th>${esc(t("measurement.how"))}</th></tr></thead><tbody>${rows.join("")}</tbody></table>`
    : `<p class="muted">${esc(alarms.length ? t("measurement.alarmNoNuclide") : t("measurement.noNuclides"))}</p>`;
  into.innerHTML = `<header class="detail-head"><h2>${esc(t("measurement.title", {lane: e.lane || "–", time: when(d.startedAt || e.observedAt)}))}</h2>
      <p class="sentence summary">${esc(summary(e))}</p></header>
    <div class="detail-grid measurement-page">
      <section class="panel spectrum-panel"><h3>${esc(t("measurement.spectrumTitle"))}</h3>
        <div class="chart-box spectrum-box"><canvas aria-label="${esc(t("measurement.spectrumLabel"))}"></canvas></div>
        <p class="chart-note muted"></p></section>
      <aside class="panel side"><h3>${esc(t("measurement.nuclidesTitle"))}</h3>${nuclides}
        <h3>${esc(t("analysis.rawTitle"))}</h3><p class="hint">${esc(t("measurement.rawHint"))}</p>
        <p><code class="sha">${esc(e.raw.sha256)}</code></p>
        <p><button type="button" class="check n42-download">${esc(t("measurement.download"))}</button> <span class="result" role="status"></span></p></aside>
    </div>`;
  const canvas = into.querySelector("canvas");
  const axis = spectrum.draw(canvas, d);
  const note = into.querySelector(".chart-note");
  into.querySelector(".spectrum-box").dataset.drawn = String(!!axis);
  note.textContent = !axis ? t("measurement.noSpectrum") : axis === "keV" ? t("measurement.calibrated") : t("measurement.uncalibrated");
  into.querySelector(".n42-download").addEventListener("click", ev => download(e, ev.target.parentElement.querySelector(".result")));
  return e;
}
