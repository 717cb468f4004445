// The national view on a central hub: departments as rows with their gates beneath, each gate's
// figures as short sentences, its forwarding backlog and lag, and a gate's lanes on demand.
import { t, tn } from "./i18n.js";
import { json } from "./api.js";
import * as session from "./session.js";
import { ago, dateTime, duration, esc, number } from "./format.js";

const $ = s => document.querySelector(s);
let timer = null;

/** "3 of 4 online" / "none reporting" */
function devices(f) {
  if (!f.devicesReporting) return t("national.devicesNone");
  return t("national.devicesOnline", {n: number(f.devicesOnline), of: number(f.devicesReporting)});
}
/** The catalog's `.one` or `.other` form of `key` for `n` (Vietnamese has one form; English two). */
function plural(key, n, vars = {}) {
  return tn(key, n, Object.assign({n: number(n, 1)}, vars));
}
function count(key, n) { return n ? plural(`national.${key}`, n) : t("national.zero"); }


/** The uplink in words: what waits, how far behind, when last heard. */
function uplink(g) {
  if (!g.heard) return t("national.neverHeard");
  if (!g.forwarding) return t("national.notForwarding");
  const parts = [];
  if (g.backlog == null) parts.push(t("national.backlogUnknown"));
  else if (g.backlog === 0) parts.push(t("national.caughtUp"));
  else parts.push(plural("national.behind", g.backlog, {lag: duration(g.lagS || 0)}));
  parts.push(g.lastBatchAt ? t("national.lastBatch", {time: dateTime(g.lastBatchAt)}) : t("national.noBatch"));
  if (g.reportedAt) parts.push(t("national.reported", {ago: ago(g.reportedAt)}));
  return parts.join("; ");
}
function totalsUplink(f) {
  if (f.backlog == null) return "–";
  return f.backlog === 0 ? t("national.caughtUp") : plural("national.behind", f.backlog, {lag: duration(f.lagS || 0)});
}

/** A cell that asks for attention (alarms, deviations) is marked when its count is not zero. */
function cell(key, n, urgent = false) {
  return `<td${urgent && n ? ' class="attention"' : ""}>${esc(count(key, n))}</td>`;
}
function cells(f) {
  return `<td>${esc(devices(f))}</td>${cell("alarmsN", f.alarmsLastDay, true)}${cell("passagesN", f.passagesLastHour)}
    ${cell("scansN", f.scansAwaitingReview)}${cell("sealsN", f.sealsInTransit)}${cell("deviationsN", f.deviationsOpen, true)}`;
}

function rows(view) {
  return view.departments.map(d => {
    const name = d.unassigned ? t("national.unassigned") : t("national.department", {id: d.id, name: d.name});
    const head = `<tr class="department"><th scope="rowgroup">${esc(name)} <span class="muted">${esc(plural("national.gates", d.gates.length))}</span></th>${cells(d.totals)}<td>${esc(totalsUplink(d.totals))}</td></tr>`;
    const gates = d.gates.map(g =>
      `<tr class="gate" data-site="${esc(g.site)}"><td class="gate-name"><a href="#gate=${encodeURIComponent(g.site)}" title="${esc(t("national.lanesOpen"))}">${esc(g.site)}</a></td>${cells(g)}<td>${esc(uplink(g))}</td></tr>`).join("");
    return head + gates;
  }).join("");
}

async function refresh() {
  if (!session.me) return;
  try {
    const view = await json("/api/v1/national");
    $("#national-generated").textContent = t("national.generated", {time: dateTime(view.generatedAt)});
    $("#national tbody").innerHTML = rows(view);
    $("#national-empty").hidden = view.departments.length > 0;
    await lanes();
    session.updated(true);
  } catch (err) { session.updated(false, err.message); }
}

/** The gate named in the address (`#gate=<site>`), if any. */
function chosenGate() {
  const m = /^#gate=(.+)$/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
}

async function lanes() {
  const site = chosenGate();
  $("#lanes-section").hidden = !site;
  if (!site) return;
  const answer = await json(`/api/v1/national/gates/${encodeURIComponent(site)}/lanes`);
  $("#lanes-heading").textContent = t("national.lanesOf", {site});
  $("#lanes-empty").hidden = answer.lanes.length > 0;
  $("#gate-lanes").hidden = answer.lanes.length === 0;
  $("#gate-lanes tbody").innerHTML = answer.lanes.map(l => {
    const p = l.passage, o = l.occupancy;
    const what = p ? [...(p.plates || []), ...(p.containers || [])].join(", ") : "";
    const passage = p
      ? t(p.alarmed ? "national.passageAlarmed" : "national.passageClear", {time: dateTime(p.observedAt), what: what || t("national.unread")})
      : t("national.noPassage");
    const occupancy = o ? t(o.severity === "alarm" ? "national.occupancyAlarm" : "national.occupancyClear", {time: dateTime(o.observedAt)}) : t("national.noOccupancy");
    return `<tr class="${(p && p.alarmed) || (o && o.severity === "alarm") ? "alarm" : ""}"><td>${esc(t("national.laneN", {lane: l.lane}))}</td><td>${esc(passage)}</td><td>${esc(occupancy)}</td></tr>`;
  }).join("");
}

window.addEventListener("hashchange", () => { lanes().catch(err => session.updated(false, err.message)); });
$("#lanes-close").addEventListener("click", ev => { ev.preventDefault(); history.replaceState(null, "", location.pathname); lanes(); });

session.boot({
  start: () => { refresh(); timer = setInterval(refresh, 10000); },
  stop: () => clearInterval(timer),
  redraw: () => refresh(),
});
