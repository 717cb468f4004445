// The count-rate chart of a portal occupancy (Chart.js from Debian's libjs-chart.js). The hub keeps
// the monitor's exact lines as the event's raw record; the gamma (G*) lines of the occupancy are
// drawn as the highest detector's count rate, scaled so that the alarm line reads as the hub's
// detectorsCps, with the background the hub measured as a flat line.
import { json } from "./api.js";
import { t } from "./i18n.js";
import { number, time } from "./format.js";
import { DETECTORS } from "./words.js";

const LINE = /^(G[SABX]),(\d+),(\d+),(\d+),(\d+)(?:,(.+))?$/;

/** The gamma lines of a raw record: code, counts per detector, time (when the monitor gave one). */
export function gammaLines(text) {
  return (text || "").split(/\r?\n/).map(l => LINE.exec(l.trim())).filter(Boolean)
    .map(m => ({code: m[1], counts: [m[2], m[3], m[4], m[5]].map(Number), at: m[6] || null}));
}

/** The chart's points for an alarm or occupancy event, from its raw record and the occupancy after it. */
export async function series(e) {
  let source = e;
  if (e.kind === "radiation.alarm" && e.device) {
    // The occupancy event that closed this vehicle's passage holds all of its lines.
    const since = encodeURIComponent(e.observedAt);
    const later = await json(`/api/v1/events?kind=radiation.occupancy&device=${encodeURIComponent(e.device.id)}&since=${since}&order=asc&limit=1`).catch(() => null);
    if (later && later.events && later.events[0]) source = later.events[0];
  }
  if (!source.raw || !source.raw.sha256) return null;
  const raw = await json(`/api/v1/raw/${source.raw.sha256}`).catch(() => null);
  const lines = gammaLines(raw && raw.text);
  const scans = lines.filter(l => l.code === "GS" || l.code === "GA");
  if (scans.length < 2) return null;
  // Counts per sample → counts per second, by the ratio the hub used for this alarm's own numbers.
  const d = e.data || {};
  let scale = 5;
  const first = scans.find(l => l.code === "GA");
  if (e.kind === "radiation.alarm" && d.detectorsCps && first && Math.max(...first.counts) > 0) scale = Math.max(...d.detectorsCps) / Math.max(...first.counts);
  else if (source.data && source.data.maxGammaCps) scale = source.data.maxGammaCps / Math.max(...scans.map(l => Math.max(...l.counts)));
  const background = source.data && source.data.gammaBackgroundCps;
  return {
    points: scans.map((l, i) => ({x: i, y: Math.round(Math.max(...l.counts) * scale), alarm: l.code === "GA"})),
    background: background != null ? background / DETECTORS : null,
    occupancy: source.kind === "radiation.occupancy" ? source : null,
  };
}

/** Draws the chart into `canvas`; false when there is nothing to draw (the caller says so). */
export function draw(canvas, s) {
  if (!window.Chart || !s) return false;
  const old = window.Chart.getChart ? window.Chart.getChart(canvas) : null;
  if (old) old.destroy();
  const datasets = [{
    label: t("chart.gamma"), data: s.points.map(p => p.y), borderColor: "#1d4ed8", borderWidth: 2, pointRadius: 0,
    segment: {borderColor: ctx => (s.points[ctx.p1DataIndex] || {}).alarm ? "#c62828" : "#1d4ed8"}, tension: 0.2,
  }];
  if (s.background != null) datasets.push({label: t("chart.background"), data: s.points.map(() => Math.round(s.background)),
    borderColor: "#6b7280", borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0});
  new window.Chart(canvas, {
    type: "line",
    data: {labels: s.points.map(p => p.x), datasets},
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      plugins: {legend: {display: true, labels: {boxWidth: 12, font: {size: 11}}},
        tooltip: {callbacks: {label: c => `${c.dataset.label}: ${number(c.parsed.y)} cps`}}},
      scales: {x: {title: {display: true, text: t("chart.samples")}, ticks: {maxTicksLimit: 8}},
        y: {beginAtZero: true, title: {display: true, text: t("chart.cps")}, ticks: {callback: v => number(v)}}},
    },
  });
  return true;
}
export { time };
