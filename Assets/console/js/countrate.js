// The count-rate chart of a portal occupancy (Chart.js from Debian's libjs-chart.js). The hub reads
// the monitor's lines with its own driver and serves the series (GET /api/v1/events/{id}/count-rates):
// seconds after the vehicle entered, counts per second of each gamma detector and the neutron
// detectors, the background. The page only draws it.
import { api } from "./api.js";
import { t } from "./i18n.js";
import { number } from "./format.js";

const GAMMA = ["#1d4ed8", "#2563eb", "#3b82f6", "#60a5fa"];
const ALARM = ["#b91c1c", "#c62828", "#dc2626", "#ef4444"];

/** The hub's series for an alarm or occupancy event (what `draw` takes); {waiting: true} while the
 *  alarm's occupancy is still open; null when there is none. */
export async function series(e) {
  const r = await api(`/api/v1/events/${encodeURIComponent(e.id)}/count-rates`);
  if (r.status === 409) return {waiting: true};
  if (!r.ok) return null;
  const s = await r.json();
  return s.gamma && s.gamma.length >= 2 ? s : null;
}

/** The mean gamma background of one detector (the hub's figure sums the detectors). */
export function backgroundPerDetector(s) {
  const b = (s && s.background) || {};
  if (b.gammaDetectorsCps && b.gammaDetectorsCps.length) return b.gammaDetectorsCps.reduce((x, y) => x + y, 0) / b.gammaDetectorsCps.length;
  const detectors = s && s.gamma && s.gamma[0] ? s.gamma[0].detectorsCps.length : 4;
  return b.gammaCps != null ? b.gammaCps / detectors : null;
}

/** Draws the chart into `canvas`; false when there is nothing to draw (the caller says so). */
export function draw(canvas, s) {
  if (!window.Chart || !s || !s.gamma) return false;
  const old = window.Chart.getChart ? window.Chart.getChart(canvas) : null;
  if (old) old.destroy();
  const detectors = s.gamma[0].detectorsCps.length;
  const datasets = [];
  for (let d = 0; d < detectors; d++) {
    datasets.push({
      label: d === 0 ? t("chart.gammaDetectors", {n: number(detectors)}) : t("chart.gammaDetector", {n: number(d + 1)}),
      data: s.gamma.map(p => ({x: p.offsetS, y: p.detectorsCps[d]})),
      borderColor: GAMMA[d % GAMMA.length], borderWidth: 1.5, pointRadius: 0, tension: 0.2, yAxisID: "y",
      segment: {borderColor: ctx => (s.gamma[ctx.p1DataIndex] || {}).alarm ? ALARM[d % ALARM.length] : GAMMA[d % GAMMA.length]},
    });
  }
  const background = backgroundPerDetector(s);
  const last = s.gamma[s.gamma.length - 1].offsetS;
  if (background != null) datasets.push({label: t("chart.background"), data: [{x: 0, y: background}, {x: last, y: background}],
    borderColor: "#6b7280", borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0, yAxisID: "y"});
  const neutron = (s.neutron || []).length > 0;
  if (neutron) datasets.push({label: t("chart.neutron"), data: s.neutron.map(p => ({x: p.offsetS, y: p.detectorsCps.reduce((a, b) => a + b, 0)})),
    borderColor: "#15803d", borderWidth: 1.5, pointRadius: 1.5, yAxisID: "n",
    segment: {borderColor: ctx => (s.neutron[ctx.p1DataIndex] || {}).alarm ? "#c62828" : "#15803d"}});
  const scales = {
    x: {type: "linear", min: 0, title: {display: true, text: t("chart.seconds")}, ticks: {maxTicksLimit: 8, callback: v => number(v, 1)}},
    y: {beginAtZero: true, title: {display: true, text: t("chart.cps")}, ticks: {callback: v => number(v)}},
  };
  if (neutron) scales.n = {position: "right", beginAtZero: true, grid: {drawOnChartArea: false},
    title: {display: true, text: t("chart.neutronCps")}, ticks: {callback: v => number(v)}};
  new window.Chart(canvas, {
    type: "line",
    data: {datasets},
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, parsing: true,
      plugins: {
        // One legend entry for the gamma detectors together.
        legend: {display: true, labels: {boxWidth: 12, font: {size: 11}, filter: item => item.datasetIndex === 0 || item.datasetIndex >= detectors}},
        tooltip: {callbacks: {title: items => items.length ? t("chart.at", {s: number(items[0].parsed.x, 1)}) : "",
          label: c => `${c.dataset.label}: ${number(c.parsed.y)} cps`}},
      },
      scales,
    },
  });
  return true;
}
