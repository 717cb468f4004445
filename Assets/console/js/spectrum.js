// An N42 measurement's spectra (Chart.js from Debian's libjs-chart.js), drawn on a logarithmic count
// axis against energy: each channel's energy from the spectrum's polynomial calibration
// (E = a0 + a1·ch + a2·ch² + …, keV, ch the channel's number from 0, its lower edge), or the channel
// number when the instrument gave no calibration.
import { t } from "./i18n.js";
import { number } from "./format.js";

const COLOURS = ["#1d4ed8", "#b45309", "#15803d", "#7c3aed", "#be123c", "#0e7490"];

/** The energy (keV) of channel `ch` by the calibration's coefficients (a0, a1, a2, …); null without a usable calibration. */
export function energy(coefficients, ch) {
  if (!calibrated(coefficients)) return null;
  let e = 0, p = 1;
  for (const a of coefficients) { e += a * p; p *= ch; }
  return e;
}

/** Whether a calibration gives energies that grow with the channel (at least a gain). */
export function calibrated(coefficients) {
  return Array.isArray(coefficients) && coefficients.length >= 2 && coefficients.every(Number.isFinite) && coefficients[1] > 0;
}

/** Where a channel with no counts is drawn: the floor of the logarithmic axis, which has no zero. */
export const FLOOR = 0.5;

/** A spectrum as points for the chart: x the energy (or channel), y the counts (an empty channel on
 *  the axis's floor, its count kept in `n`). */
export function points(spectrum) {
  const cal = spectrum.energyCalibration;
  const keV = calibrated(cal);
  const out = (spectrum.channels || []).map((c, ch) => ({x: keV ? energy(cal, ch) : ch, y: c > 0 ? c : FLOOR, n: c}));
  return {keV, points: out};
}

/** A detector's name as the document describes it (its description, else its kind and radiation), else its id. */
export function detectorName(data, name) {
  const d = ((data && data.detectors) || []).find(x => x.name === name);
  if (!d) return name;
  return d.description || [d.kind, d.category].filter(Boolean).join(" ") || name;
}

/** The gamma spectra worth drawing (a single channel is a gross count, not a spectrum). */
export function drawable(data) {
  return ((data && data.spectra) || []).filter(s => (s.channels || []).length > 1 && (s.channels || []).some(c => c > 0));
}

/** Draws every spectrum of the measurement into `canvas`; the x axis's unit (`keV` or `channel`), or null when nothing is drawn. */
export function draw(canvas, data) {
  const spectra = drawable(data);
  if (!window.Chart || !spectra.length) return null;
  const old = window.Chart.getChart ? window.Chart.getChart(canvas) : null;
  if (old) old.destroy();
  const series = spectra.map(points);
  // Energies only when every spectrum has them: one axis must not mix keV and channel numbers.
  const keV = series.every(s => s.keV);
  const lines = keV ? series : spectra.map(s => points({channels: s.channels}));
  const datasets = lines.map((s, i) => ({
    label: spectra[i].detector ? t("spectrum.detector", {name: detectorName(data, spectra[i].detector)}) : t("spectrum.unnamed", {n: number(i + 1)}),
    data: s.points, borderColor: COLOURS[i % COLOURS.length], borderWidth: 1.2, pointRadius: 0, stepped: "before",
  }));
  new window.Chart(canvas, {
    type: "line",
    data: {datasets},
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      plugins: {
        legend: {display: true, labels: {boxWidth: 12, font: {size: 11}}},
        tooltip: {callbacks: {
          title: items => items.length ? (keV ? t("spectrum.atKeV", {e: number(items[0].parsed.x, 1)}) : t("spectrum.atChannel", {ch: number(items[0].parsed.x)})) : "",
          label: c => `${c.dataset.label}: ${t("spectrum.counts", {n: number(c.raw.n)})}`}},
      },
      scales: {
        x: {type: "linear", min: 0, max: Math.max(...lines.map(s => s.points.length ? s.points[s.points.length - 1].x : 0)), title: {display: true, text: keV ? t("spectrum.energyAxis") : t("spectrum.channelAxis")},
          ticks: {maxTicksLimit: 10, callback: v => keV ? t("spectrum.keV", {e: number(v)}) : number(v)}},
        y: {type: "logarithmic", min: FLOOR, title: {display: true, text: t("spectrum.countsAxis")},
          ticks: {callback: v => { const l = Math.log10(v); return Math.abs(l - Math.round(l)) < 1e-9 ? number(v) : ""; }}},
      },
    },
  });
  canvas.dataset.axis = keV ? "keV" : "channel";
  canvas.dataset.yScale = "logarithmic";
  return keV ? "keV" : "channel";
}
