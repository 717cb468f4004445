// The analyst's search: passages, declarations or events by container, plate, seal, declaration
// number, UCR, lane, time (entered in the site's zone) and outcome or channel, a page at a time with
// the API's cursors, and the API's CSV and JSON exports with the same filters. The search lives in
// the address (#passages?plate=…&cursor=…), so Back returns to it from a passage or declaration.
import { t, tn } from "./i18n.js";
import { json } from "./api.js";
import { number, esc, timeZone } from "./format.js";
import { channel } from "./words.js";
import { when, describe, source, subjectText, missingText, kindName, plate, channelWord } from "./analysis-words.js";
import { readTime, timeText } from "./day-field.js";

const $ = s => document.querySelector(s);
export const TABS = ["passages", "declarations", "events"];
const PAGE = 25;
/** Each tab's API route, the filters the API applies, and its exports. */
const ROUTES = {
  passages: {path: "/api/v1/passages", list: "passages",
    server: ["plate", "container", "seal", "declaration", "lane", "since", "until", "channel", "minScore"], exports: "passages"},
  declarations: {path: "/api/v1/declarations/search", list: "declarations",
    server: ["number", "ucr", "plate", "container", "seal", "since", "until", "channel", "minScore"], exports: "declarations"},
  events: {path: "/api/v1/events", list: "events", server: ["kind", "lane", "since", "until"], exports: "events"},
};
const TIMES = ["since", "until"];

/** The zone's offset from UTC at `date`, in milliseconds. */
function offsetAt(date, zone) {
  const p = Object.fromEntries(new Intl.DateTimeFormat("en-US", {timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit",
    day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit"}).formatToParts(date).map(x => [x.type, x.value]));
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - Math.floor(date.getTime() / 1000) * 1000;
}
/** A wall-clock time typed in the site's zone ("2026-12-05T07:10") as RFC 3339 UTC, or null. */
export function siteTimeToUTC(local) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(local || "");
  if (!m) return null;
  const guess = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] || 0));
  let at = guess - offsetAt(new Date(guess), timeZone());
  at = guess - offsetAt(new Date(at), timeZone());
  return new Date(at).toISOString().replace(".000Z", "Z");
}
/** The site's zone and its offset now: "Asia/Ho_Chi_Minh (GMT+7)". */
export function zoneLabel() {
  const p = new Intl.DateTimeFormat("en-GB", {timeZone: timeZone(), timeZoneName: "shortOffset"}).formatToParts(new Date());
  return `${timeZone()} (${(p.find(x => x.type === "timeZoneName") || {}).value || ""})`;
}

let state = {tab: "passages", params: new URLSearchParams(), page: 1};

/** The address of a search: tab, filters, and where the page starts. */
export function address(tab, params) { const q = params.toString(); return `#${tab}${q ? "?" + q : ""}`; }

/** The form's filters, times as the address keeps them ("2026-12-05T07:10", the site's wall clock); null when a
 *  time typed is no time (the field says so). */
function formParams() {
  const out = new URLSearchParams();
  for (const el of $("#search-form").elements) {
    if (!el.name || el.closest("label").hidden || !el.value.trim()) continue;
    const value = TIMES.includes(el.name) ? readTime(el) : el.value.trim();
    if (value === null) return null;
    out.set(el.name, value);
  }
  return out;
}

function showFields(tab) {
  document.querySelectorAll("#search-form label[data-for]").forEach(l => { l.hidden = !l.dataset.for.split(" ").includes(tab); });
  document.querySelectorAll("#search-form option[data-for]").forEach(o => { o.hidden = !o.dataset.for.split(" ").includes(tab); });
  document.querySelectorAll("[data-tab]").forEach(b => {
    b.setAttribute("aria-selected", String(b.dataset.tab === tab));
    b.classList.toggle("current", b.dataset.tab === tab);
  });
}

function fillForm(params) {
  for (const el of $("#search-form").elements) {
    if (!el.name) continue;
    const value = params.get(el.name) || "";
    // A time as the console's language writes it (05/12/2026 07:10); one the address got wrong, as it is.
    el.value = TIMES.includes(el.name) ? timeText(value) || value : value;
    if (TIMES.includes(el.name)) el.setCustomValidity("");
  }
}

/** The API's query for a tab's filters: times converted from the site's zone, identifiers as typed. */
function apiQuery(tab, params, limit) {
  const q = new URLSearchParams();
  for (const k of ROUTES[tab].server) {
    const v = params.get(k);
    if (!v) continue;
    q.set(k, TIMES.includes(k) ? siteTimeToUTC(v) || v : v);
  }
  if (tab === "events" && params.get("outcome") === "alarm") q.set("severity", "alarm");
  if (tab === "events") q.set("order", "desc");
  q.set("limit", String(limit));
  return q;
}

const squash = s => String(s || "").toUpperCase().replace(/[^A-Z0-9]/g, "");
/** Filters the API does not apply, checked here on each row: a passage's outcome, an event's identifiers. */
function clientFilter(tab, params) {
  const outcome = params.get("outcome");
  if (tab === "passages" && outcome) {
    return p => outcome === "alarm" ? p.alarmed : outcome === "radiation" ? p.rpmResult === "alarm"
      : outcome === "scan" ? ["suspect", "inspect"].includes(p.scanResult) : !p.alarmed;
  }
  if (tab === "events") {
    const want = {plates: squash(params.get("plate")), containers: squash(params.get("container")), seals: squash(params.get("seal"))};
    const any = Object.values(want).some(Boolean) || outcome === "clear";
    if (!any) return null;
    return e => {
      const s = e.subject || {};
      if (outcome === "clear" && e.severity === "alarm") return false;
      return Object.entries(want).every(([k, v]) => !v || (s[k] || []).some(x => squash(x) === v));
    };
  }
  return null;
}

/** One page of results: with a filter of its own, API pages are read on until a page is full
 *  (at most 20 of them), each read whole so the next cursor loses nothing. */
async function fetchPage(tab, params) {
  const route = ROUTES[tab], keep = clientFilter(tab, params);
  let cursor = params.get("cursor"), rows = [], looked = 0, calls = 0;
  for (;;) {
    const q = apiQuery(tab, params, keep ? 100 : PAGE);
    if (cursor) q.set("cursor", cursor);
    const r = await json(`${route.path}?${q}`);
    const list = r[route.list] || [];
    looked += list.length; calls++;
    rows = rows.concat(keep ? list.filter(keep) : list);
    cursor = r.next || null;
    if (!keep || !cursor || rows.length >= PAGE || calls >= 20) return {rows, next: cursor, looked, filtered: !!keep};
  }
}

function head(cols) { return `<tr>${cols.map(c => `<th scope="col">${esc(t(c))}</th>`).join("")}</tr>`; }

function radiationChip(r) {
  return r === "alarm" ? `<span class="chip red">${esc(t("analysis.rpm.alarm"))}</span>`
    : r === "clear" ? `<span class="chip green">${esc(t("analysis.rpm.clear"))}</span>` : `<span class="chip grey">${esc(t("analysis.rpm.none"))}</span>`;
}
function scanChip(r) {
  return !r ? `<span class="chip grey">${esc(t("analysis.scanNone"))}</span>`
    : `<span class="chip ${r === "clear" ? "green" : "yellow"}">${esc(t(r === "clear" ? "scan.clear" : "scan.suspect"))}</span>`;
}
export function riskChip(d) {
  if (!d || !d.channel) return `<span class="muted">${esc(t("analysis.notAssessed"))}</span>`;
  return `${channel(d.channel)} <span class="score">${esc(t("analysis.scoreShort", {score: number(d.score)}))}</span>`;
}

const RENDER = {
  passages: {
    head: ["analysis.col.when", "analysis.col.lane", "analysis.col.vehicle", "analysis.col.containers", "analysis.col.declaration",
      "analysis.col.radiation", "analysis.col.scan", "analysis.col.notes"],
    row: p => {
      const notes = [...(p.missing || []).map(m => t("analysis.missingShort", {list: missingText([m])})),
        p.ambiguous ? t("analysis.ambiguousShort") : ""].filter(Boolean).join(" · ");
      const decl = p.declarations.length ? p.declarations.map(d => `<a href="#declaration/${encodeURIComponent(d.number)}">${esc(d.number)}</a> ${riskChip(d)}`).join("<br>")
        : `<span class="muted">${esc(t("analysis.noDeclaration"))}</span>`;
      return `<tr class="${p.alarmed ? "alarm-row" : ""}" data-href="#passage/${esc(p.id)}">
        <td><a href="#passage/${esc(p.id)}" class="open">${esc(when(p.startedAt))}</a></td><td>${esc(p.lane || "–")}</td>
        <td class="plate">${esc(p.plates.map(plate).join(", ") || t("lanes.unread"))}</td><td>${esc(p.containers.join(", ") || "–")}</td>
        <td>${decl}</td><td>${radiationChip(p.rpmResult)}</td><td>${scanChip(p.scanResult)}</td><td class="muted">${esc(notes)}</td></tr>`;
    },
  },
  declarations: {
    head: ["analysis.col.number", "analysis.col.type", "analysis.col.trader", "analysis.col.containers", "analysis.col.vehicle",
      "analysis.col.received", "analysis.col.declared", "analysis.col.assessed"],
    row: s => {
      const d = s.declaration;
      return `<tr data-href="#declaration/${esc(encodeURIComponent(d.number))}">
        <td><a href="#declaration/${esc(encodeURIComponent(d.number))}" class="open">${esc(d.number)}</a>
          <span class="muted">${esc(t("analysis.versionShort", {n: number(d.version)}))}${d.status === "cancelled" ? " · " + esc(t("analysis.cancelled")) : ""}</span></td>
        <td>${esc(t(`analysis.type.${["import", "export", "transit"].includes(d.type) ? d.type : "other"}`))}</td>
        <td>${esc(d.trader.name || t("analysis.tin", {tin: d.trader.tin}))}</td><td>${esc(d.containers.join(", ") || "–")}</td>
        <td>${esc(d.plates.map(plate).join(", ") || "–")}</td><td>${esc(when(d.receivedAt))}</td>
        <td>${channel(d.channel)}</td><td>${riskChip(s)}</td></tr>`;
    },
  },
  events: {
    head: ["analysis.col.when", "analysis.col.what", "analysis.col.lane", "analysis.col.source", "analysis.col.subject", "analysis.col.open"],
    row: e => {
      const s = e.subject || {};
      const open = e.kind === "gate.passage" ? `<a href="#passage/${esc(e.id)}">${esc(t("analysis.openPassage"))}</a>`
        : s.declaration ? `<a href="#declaration/${esc(encodeURIComponent(s.declaration))}">${esc(t("analysis.openDeclaration", {number: s.declaration}))}</a>`
        : e.kind === "radiation.occupancy" ? `<a href="/api/v1/events/${esc(e.id)}/n42" download="occupancy-${esc(e.id)}.n42">${esc(t("analysis.n42"))}</a>`
        : e.kind === "radiation.measurement" ? `<a href="#measurement/${esc(e.id)}" class="open-measurement">${esc(t("measurement.open"))}</a>` : "";
      return `<tr class="${e.severity === "alarm" ? "alarm-row" : ""}"><td>${esc(when(e.observedAt))}</td>
        <td><b>${esc(kindName(e.kind))}</b>: ${esc(describe(e))}</td><td>${esc(e.lane || "–")}</td><td>${esc(source(e))}</td>
        <td>${esc(subjectText(s) || "–")}</td><td>${open}</td></tr>`;
    },
  },
};

function exportsFor(tab, params) {
  const r = ROUTES[tab];
  if (!r.exports) return `<span class="muted">${esc(t("analysis.exportEvents"))}</span>`;
  const q = apiQuery(tab, params, 1000);
  q.delete("limit");
  const qs = q.toString() ? "?" + q : "";
  // The events export applies the API's filters (an alarm outcome is its severity); identifiers are matched on this page only.
  const unapplied = tab === "events" ? ["plate", "container", "seal"].some(k => params.get(k)) || params.get("outcome") === "clear"
    : Boolean(params.get("outcome"));
  const note = unapplied ? ` <span class="muted">${esc(t(tab === "events" ? "analysis.exportEventsNotApplied" : "analysis.exportNoOutcome"))}</span>` : "";
  return `${esc(t("analysis.export"))} <a class="button" id="export-csv" href="/api/v1/export/${r.exports}.csv${qs}" download="${r.exports}.csv">CSV</a>
    <a class="button" id="export-json" href="/api/v1/export/${r.exports}.json${qs}" download="${r.exports}.json">JSON</a>${note}`;
}

/** Shows the search view for the address's tab and filters, and runs it. */
export async function show(tab, params) {
  state = {tab, params, page: Number(params.get("page") || 1)};
  showFields(tab);
  fillForm(params);
  $("#zone-hint").textContent = t("analysis.zoneHint", {zone: zoneLabel()});
  $("#exports").innerHTML = exportsFor(tab, params);
  const r = RENDER[tab];
  $("#results thead").innerHTML = head(r.head);
  $("#results tbody").innerHTML = "";
  $("#result-summary").textContent = t("analysis.searching");
  $("#results-empty").hidden = true;
  try {
    const page = await fetchPage(tab, params);
    if (state.params !== params) return; // a newer search was started meanwhile
    $("#results tbody").innerHTML = page.rows.map(r.row).join("");
    $("#results").hidden = page.rows.length === 0;
    $("#results-empty").hidden = page.rows.length > 0;
    $("#results-empty").textContent = t(`analysis.none.${tab}`);
    const counted = page.rows.length === 1 ? t(`analysis.countOne.${tab}`) : t(`analysis.count.${tab}`, {n: number(page.rows.length)});
    $("#result-summary").textContent = [counted, page.next ? t("analysis.moreMatch") : t("analysis.noMore"),
      page.filtered ? tn("analysis.lookedAt", page.looked, {n: number(page.looked)}) : ""].filter(Boolean).join(" · ");
    $("#page-number").textContent = t("analysis.page", {n: number(state.page)});
    $("#page-next").disabled = !page.next;
    $("#page-next").dataset.cursor = page.next || "";
    $("#page-first").disabled = !params.get("cursor");
  } catch (err) {
    const field = /: 400$/.test(err.message) ? t("analysis.badFilter") : err.message;
    $("#result-summary").textContent = t("analysis.failed", {reason: field});
  }
}

/** The current search, for going back to it. */
export function current() { return address(state.tab, state.params); }

/** Wires the form, the tabs and the pager; `go(hash)` changes the address. */
export function wire(go) {
  $("#search-form").addEventListener("submit", ev => {
    ev.preventDefault();
    const p = formParams();
    if (p) go(address(state.tab, p));
  });
  TIMES.forEach(name => $("#search-form").elements[name].addEventListener("input", ev => ev.target.setCustomValidity("")));
  $("#search-clear").addEventListener("click", () => go(address(state.tab, new URLSearchParams())));
  document.querySelectorAll("[data-tab]").forEach(b => b.addEventListener("click", () => {
    // Filters both tabs know carry over; the page starts again.
    const p = formParams();
    if (!p) return;
    p.delete("cursor"); p.delete("page");
    go(address(b.dataset.tab, p));
  }));
  $("#page-next").addEventListener("click", () => {
    const p = new URLSearchParams(state.params);
    p.set("cursor", $("#page-next").dataset.cursor);
    p.set("page", String(state.page + 1));
    go(address(state.tab, p));
  });
  $("#page-first").addEventListener("click", () => {
    const p = new URLSearchParams(state.params);
    p.delete("cursor"); p.delete("page");
    go(address(state.tab, p));
  });
  $("#results tbody").addEventListener("click", ev => {
    if (ev.target.closest("a")) return;
    const tr = ev.target.closest("tr[data-href]");
    if (tr) go(tr.dataset.href);
  });
}
export { channelWord };
