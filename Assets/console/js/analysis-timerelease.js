// Time-release figures (#time-release?from=&to=&lane=&by=): how long trucks wait at each stage of a lane
// (WCO Time Release Study), from GET /api/v1/time-release. Days and hours are the site's (the hub groups
// them in its zone and says which); the page draws the dwell per stage and lane (p50/p90), the end-to-end
// trend day by day per lane and per channel, the slowest passages in sentences with the stage that held
// them, and links the same figures as CSV.
import { t, locale } from "./i18n.js";
import { json } from "./api.js";
import { esc, number, timeZone } from "./format.js";
import { siteTimeToUTC, zoneLabel } from "./analysis-search.js";
import { dayField, readDay, wireDayFields } from "./day-field.js";

const STAGES = ["radiation", "scan", "verdict", "decision", "exit"];
const COLOURS = ["#1d4ed8", "#b45309", "#15803d", "#7c3aed", "#be123c", "#0f766e"];
const CHANNEL_COLOURS = {green: "#15803d", yellow: "#ca8a04", red: "#b91c1c"};
const DAY_MS = 86400000;

/** yyyy-mm-dd of `d` in the site's zone. */
function localDay(d) {
  return new Intl.DateTimeFormat("en-CA", {timeZone: timeZone(), year: "numeric", month: "2-digit", day: "2-digit"}).format(d);
}
/** 05/12 (a day on an axis), 05/12/2026 (a day in a sentence), in the site's zone, as the day fields write it:
 *  the day without its year is the day with its year cut (Intl's Vietnamese alone would write 05-12). */
function dayLabel(iso, year = false) {
  const text = new Intl.DateTimeFormat(locale(), {timeZone: timeZone(), day: "2-digit", month: "2-digit", year: "numeric"}).format(new Date(iso));
  return year ? text : text.replace(/[/.-]\d{4}$/, "");
}
/** 05/12 14:03 in the site's zone. */
function dayTime(iso) {
  const time = new Intl.DateTimeFormat(locale(), {timeZone: timeZone(), hour: "2-digit", minute: "2-digit", hour12: false}).format(new Date(iso));
  return `${dayLabel(iso)} ${time}`;
}

/** 45 s → "45 s", 750 s → "12 min 30 s", 4000 s → "1 h 07 min": a wait as a person says it. */
export function span(s) {
  if (s == null) return "–";
  const total = Math.round(s);
  if (total < 60) return t("tr.span.s", {s: number(total)});
  if (total < 3600) {
    const m = Math.floor(total / 60), r = total % 60;
    return r ? t("tr.span.ms", {m: number(m), s: number(r)}) : t("tr.span.m", {m: number(m)});
  }
  const h = Math.floor(total / 3600), m = Math.round((total % 3600) / 60);
  return t("tr.span.hm", {h: number(h), m: String(m).padStart(2, "0")});
}

function stageName(s) { return t(`tr.stage.${s}`); }
function laneName(l) { return l == null ? t("tr.noLane") : t("tr.lane", {lane: l}); }
function laneWord(l) { return l == null ? t("tr.noLaneWord") : t("alarm.lane", {lane: l}); }
function channelName(c) { return ["green", "yellow", "red"].includes(c) ? t(`channel.${c}`) : t("tr.noDecision"); }

/** The filters from the address, with the default window: the last seven days of the site, today included. */
function filters(params) {
  const today = localDay(new Date());
  const to = /^\d{4}-\d{2}-\d{2}$/.test(params.get("to") || "") ? params.get("to") : today;
  const from = /^\d{4}-\d{2}-\d{2}$/.test(params.get("from") || "") ? params.get("from")
    : localDay(new Date(Date.parse(to + "T12:00:00Z") - 6 * DAY_MS));
  return {from, to, lane: (params.get("lane") || "").trim(), by: params.get("by") === "hour" ? "hour" : "day"};
}

/** The API's query: from local midnight of `from` to local midnight after `to`. */
function apiQuery(f, extra = {}) {
  const next = new Date(Date.parse(f.to + "T12:00:00Z") + DAY_MS).toISOString().slice(0, 10);
  const q = new URLSearchParams({since: siteTimeToUTC(f.from + "T00:00"), until: siteTimeToUTC(next + "T00:00"), by: f.by});
  if (f.lane) q.set("lane", f.lane);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q;
}

/** The unit a chart speaks in: minutes once any figure passes three minutes, else seconds. */
function unitFor(values) {
  const max = Math.max(0, ...values.filter(v => v != null));
  return max > 180 ? {seconds: 60, name: t("tr.unit.minutes")} : {seconds: 1, name: t("tr.unit.seconds")};
}
const inUnit = (s, unit) => (s == null ? null : Math.round((s / unit.seconds) * 100) / 100);

function chart(canvas, config) {
  const old = window.Chart.getChart ? window.Chart.getChart(canvas) : null;
  if (old) old.destroy();
  return new window.Chart(canvas, config);
}

/** Bars: for each stage, each lane's p50 (solid) and p90 (light). */
function drawStages(canvas, lanes) {
  const unit = unitFor(lanes.flatMap(l => STAGES.flatMap(s => [l.stages[s].p50Seconds, l.stages[s].p90Seconds])));
  const datasets = lanes.flatMap((l, i) => ["p50", "p90"].map(p => ({
    label: t(`tr.chart.${p}`, {lane: laneName(l.lane)}), lane: l.lane ?? null, percentile: p, unitSeconds: unit.seconds,
    data: STAGES.map(s => inUnit(l.stages[s][`${p}Seconds`], unit)),
    backgroundColor: COLOURS[i % COLOURS.length] + (p === "p50" ? "" : "66"), borderColor: COLOURS[i % COLOURS.length], borderWidth: 1,
  })));
  chart(canvas, {
    type: "bar", data: {labels: STAGES.map(stageName), datasets},
    options: {animation: false, responsive: true, maintainAspectRatio: false,
      plugins: {legend: {labels: {boxWidth: 12, font: {size: 11}}},
        tooltip: {callbacks: {label: c => `${c.dataset.label}: ${c.parsed.y == null ? t("tr.nobody") : span(c.parsed.y * unit.seconds)}`}}},
      scales: {y: {beginAtZero: true, title: {display: true, text: unit.name}, ticks: {callback: v => number(v, 1)}}}},
  });
}

/** Lines: p50 (solid) and p90 (dashed) end to end, one colour per lane or channel, over the window's days. */
function drawTrend(canvas, days, series, name, colour) {
  const unit = unitFor(series.flatMap(s => s.points.flatMap(p => [p.endToEnd.p50Seconds, p.endToEnd.p90Seconds])));
  const datasets = series.flatMap((s, i) => ["p50", "p90"].map(p => {
    const byDay = Object.fromEntries(s.points.map(x => [x.day, x.endToEnd[`${p}Seconds`]]));
    return {label: t(`tr.chart.${p}`, {lane: name(s)}), series: s.lane ?? s.channel ?? null, percentile: p, unitSeconds: unit.seconds,
      data: days.map(d => inUnit(byDay[d], unit)), spanGaps: true, borderColor: colour(s, i), backgroundColor: colour(s, i),
      borderDash: p === "p90" ? [6, 4] : [], borderWidth: 2, pointRadius: 3, tension: 0.2};
  }));
  chart(canvas, {
    type: "line", data: {labels: days.map(d => dayLabel(d)), datasets},
    options: {animation: false, responsive: true, maintainAspectRatio: false,
      plugins: {legend: {labels: {boxWidth: 12, font: {size: 11}}},
        tooltip: {callbacks: {label: c => `${c.dataset.label}: ${span(c.parsed.y * unit.seconds)}`}}},
      scales: {y: {beginAtZero: true, title: {display: true, text: unit.name}, ticks: {callback: v => number(v, 1)}}}},
  });
}

/** The per-lane table under the stage chart: each stage's p50 and p90 and how many trucks reached it. */
function laneTable(lanes) {
  const head = `<tr><th>${esc(t("analysis.col.lane"))}</th>${STAGES.map(s => `<th class="num">${esc(stageName(s))}</th>`).join("")}
    <th class="num">${esc(t("tr.endToEnd"))}</th></tr>`;
  const cell = (x, total) => x.count === 0 ? `<td class="num muted">${esc(t("tr.nobody"))}</td>`
    : `<td class="num" data-p50="${x.p50Seconds}" data-p90="${x.p90Seconds}">${esc(span(x.p50Seconds))} · ${esc(span(x.p90Seconds))}
      <span class="muted">${esc(t("tr.reached", {n: number(x.count), of: number(total)}))}</span></td>`;
  const rows = lanes.map(l => `<tr data-lane="${esc(l.lane ?? "")}"><th scope="row">${esc(laneName(l.lane))}
      <span class="muted">${esc(t(l.passages === 1 ? "tr.passages.one" : "tr.passages.other", {n: number(l.passages)}))}</span></th>
      ${STAGES.map(s => cell(l.stages[s], l.passages)).join("")}${cell(l.endToEnd, l.passages)}</tr>`).join("");
  return `<table class="compact tr-lanes"><thead>${head}</thead><tbody>${rows}</tbody></table>
    <p class="hint">${esc(t("tr.tableHint"))}</p>`;
}

/** One slow passage as a sentence: when, where, how long, what held it, which stages it never reached. */
function slowSentence(s) {
  const who = s.vehicle && s.vehicle.length ? s.vehicle.join(", ") : t("tr.unread");
  const parts = [t("tr.slow.took", {time: dayTime(s.times.arrival || s.times.exit), lane: laneWord(s.lane), vehicle: who,
    channel: channelName(s.channel), span: span(s.endToEndSeconds)})];
  const word = x => stageName(x).toLocaleLowerCase(locale());
  if (s.heldAt) parts.push(t("tr.slow.held", {stage: word(s.heldAt), span: span(s.heldSeconds)}));
  const missing = (s.missing || []).filter(m => STAGES.includes(m));
  if (missing.length) parts.push(t("tr.slow.missing", {stages: missing.map(word).join(", ")}));
  return parts.join(" ");
}

function slowList(slowest) {
  if (!slowest.length) return `<p class="empty">${esc(t("tr.slow.none"))}</p>`;
  return `<ol class="tr-slow">${slowest.map(s => `<li data-passage="${esc(s.passage)}" data-held="${esc(s.heldAt || "")}">
    <span class="sentence">${esc(slowSentence(s))}</span>${s.event ? ` <a href="#passage/${encodeURIComponent(s.event)}">${esc(t("tr.slow.open"))}</a>` : ""}</li>`).join("")}</ol>`;
}

/** Shows the screen for the address's filters into `box`; answers the API's figures. */
export async function show(params, box) {
  const f = filters(params);
  const q = apiQuery(f, {slowest: "10"});
  const data = await json(`/api/v1/time-release?${q}`);
  const csv = apiQuery(f);
  const total = data.lanes.reduce((n, l) => n + l.passages, 0);
  box.innerHTML = `<div class="search-head"><h2 id="tr-title">${esc(t("tr.title"))}</h2></div>
    <form id="tr-form" class="search-form" autocomplete="off">
      ${dayField("from", t("tr.from"), f.from)}
      ${dayField("to", t("tr.to"), f.to)}
      <label><span>${esc(t("analysis.f.lane"))}</span> <input name="lane" size="4" value="${esc(f.lane)}"></label>
      <label><span>${esc(t("tr.by"))}</span> <select name="by"><option value="day"${f.by === "day" ? " selected" : ""}>${esc(t("tr.byDay"))}</option>
        <option value="hour"${f.by === "hour" ? " selected" : ""}>${esc(t("tr.byHour"))}</option></select></label>
      <div class="actions"><button type="submit" class="primary">${esc(t("tr.show"))}</button>
        <a class="button" id="tr-csv" href="/api/v1/time-release.csv?${esc(csv.toString())}" download="time-release.csv">${esc(t("tr.csv"))}</a></div>
    </form>
    <p class="hint" id="tr-summary">${esc(t(total === 1 ? "tr.summary.one" : "tr.summary.other", {n: number(total), from: dayLabel(siteTimeToUTC(f.from + "T12:00"), true),
      to: dayLabel(siteTimeToUTC(f.to + "T12:00"), true), zone: zoneLabel()}))}${data.truncated ? " " + esc(t("tr.truncated")) : ""}</p>
    <p class="hint">${esc(t("tr.meaning"))}</p>
    ${total === 0 ? `<p class="empty" id="tr-empty">${esc(t("tr.none"))}</p>` : `
    <h3>${esc(t("tr.stagesTitle"))}</h3>
    <div class="chart-box tr-chart"><canvas id="tr-stages" role="img" aria-label="${esc(t("tr.stagesTitle"))}"></canvas></div>
    ${laneTable(data.lanes)}
    <div class="tr-trends">
      <div><h3>${esc(t("tr.trendLanes"))}</h3><div class="chart-box tr-chart"><canvas id="tr-trend-lanes" role="img" aria-label="${esc(t("tr.trendLanes"))}"></canvas></div></div>
      <div><h3>${esc(t("tr.trendChannels"))}</h3><div class="chart-box tr-chart"><canvas id="tr-trend-channels" role="img" aria-label="${esc(t("tr.trendChannels"))}"></canvas></div></div>
    </div>
    <h3>${esc(t("tr.slowTitle"))}</h3>
    ${slowList(data.slowest)}`}`;
  wireDayFields(box);
  box.querySelector("#tr-form").addEventListener("submit", ev => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    const next = new URLSearchParams();
    // Days as the language writes them (05/12/2026), in the address as the API reads them (2026-12-05).
    for (const k of ["from", "to"]) {
      const day = readDay(ev.target.elements[k]);
      if (day === null) return;
      if (day) next.set(k, day);
    }
    for (const k of ["lane", "by"]) if (String(form.get(k) || "").trim()) next.set(k, String(form.get(k)).trim());
    location.hash = `#time-release?${next}`;
  });
  if (total > 0 && window.Chart) {
    drawStages(box.querySelector("#tr-stages"), data.lanes);
    drawTrend(box.querySelector("#tr-trend-lanes"), data.trend.days, data.trend.lanes, s => laneName(s.lane), (s, i) => COLOURS[i % COLOURS.length]);
    drawTrend(box.querySelector("#tr-trend-channels"), data.trend.days, data.trend.channels, s => channelName(s.channel),
      s => CHANNEL_COLOURS[s.channel] || "#6b7280");
  }
  return data;
}
