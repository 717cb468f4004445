// A tile per lane: the vehicle in the portal now (or that it is free), the last passage (plate,
// containers, declaration and channel, portal and scan results), and its devices' state.
import { t, tn } from "./i18n.js";
import { time, ago, esc, number } from "./format.js";
import { channel, deviceState, family, plate } from "./words.js";

function passage(p) {
  if (!p) return `<p class="muted">${esc(t("lanes.noPassage"))}</p>`;
  const decl = p.declarations.length
    ? p.declarations.map(d => `<span class="decl">${esc(t("lanes.declaration", {number: d.number}))} ${channel(d.channel)}</span>`).join(" ")
    : `<span class="muted">${esc(t("lanes.noDeclaration"))}</span>`;
  const rpm = p.rpmResult === "alarm" ? `<span class="chip red">${esc(t("lanes.rpmAlarm"))}</span>`
    : p.rpmResult === "clear" ? `<span class="chip green">${esc(t("lanes.rpmClear"))}</span>` : `<span class="chip grey">${esc(t("lanes.rpmNone"))}</span>`;
  const scan = p.scanResult ? `<span class="chip ${p.scanResult === "clear" ? "green" : "yellow"}">${esc(t("lanes.scan", {result: t(p.scanResult === "clear" ? "scan.clear" : "scan.suspect")}))}</span>`
    : `<span class="chip grey">${esc(t("lanes.scanNone"))}</span>`;
  return `<dl class="passage" data-passage="${esc(p.passage || p.id)}">
    <dt>${esc(t("lanes.vehicle"))}</dt><dd class="plate">${esc(p.plates.map(plate).join(", ") || t("lanes.unread"))}</dd>
    <dt>${esc(t("lanes.containers"))}</dt><dd class="containers">${esc(p.containers.join(", ") || "–")}</dd>
    <dt>${esc(t("lanes.declarationLabel"))}</dt><dd>${decl}</dd>
    <dt>${esc(t("lanes.checks"))}</dt><dd>${rpm} ${scan}</dd>
    <dt>${esc(t("lanes.when"))}</dt><dd>${esc(time(p.endedAt || p.startedAt))}</dd></dl>`;
}

/** Is a vehicle in the portal now: an occupancy started after the lane's last one ended. */
function inPortal(l, starts) {
  const s = starts.find(e => e.lane === l.lane && (e.site || "") === (l.site || ""));
  if (!s) return null;
  const last = l.lastOccupancy ? new Date(l.lastOccupancy.observedAt).getTime() : 0;
  return new Date(s.observedAt).getTime() > last ? s : null;
}

/** Scans of the lane whose image verdict is past the lane's limit: escalated to the operator. */
function overdueLine(o) {
  if (!o || !o.overdue) return "";
  const s = o.oldestSeconds || 0;
  const age = s < 60 ? t("review.ageSeconds", {n: number(s)}) : t("review.ageMinutes", {n: number(Math.floor(s / 60))});
  return `<p class="overdue-review" role="alert">${esc(tn("lanes.reviewOverdue", o.overdue, {n: number(o.overdue), age}))}</p>`;
}

export function draw(lanes, devices, starts, overdue = []) {
  document.getElementById("lanes-empty").hidden = lanes.length > 0;
  document.getElementById("lanes").innerHTML = lanes.map(l => {
    const now = inPortal(l, starts);
    const mine = devices.filter(d => d.lane === l.lane);
    const alarm = l.lastOccupancy && l.lastOccupancy.severity === "alarm" && !now;
    const kit = mine.map(d => `<li class="${esc(d.state)}" title="${esc(d.reason || "")}"><span class="dot"></span>${esc(family(d.family))}: ${esc(deviceState(d.state))}</li>`).join("");
    return `<article class="lane-tile ${alarm ? "alarmed" : ""}" data-lane="${esc(l.lane)}">
      <header><h3>${esc(t("lanes.lane", {lane: l.lane}))}</h3>
        <span class="now ${now ? "busy" : "free"}">${esc(now ? t("lanes.inPortal", {since: time(now.observedAt)}) : t("lanes.free"))}</span></header>
      <ul class="kit">${kit}</ul>${overdueLine(overdue.find(o => o.lane === l.lane))}
      <h4>${esc(t("lanes.lastPassage"))}</h4>${passage(l.latestPassage)}
      <p class="counts muted">${esc(t("lanes.counts", {occupancies: number(l.occupancies), alarms: number(l.alarms)}))}</p></article>`;
  }).join("");
}

/** Device health: a line per device with its state and why, problems first. */
export function drawDevices(devices) {
  const order = {tampered: 0, faulted: 1, silent: 2, offline: 3, degraded: 4, connecting: 5, online: 6, disabled: 7};
  const sorted = [...devices].sort((a, b) => (order[a.state] ?? 9) - (order[b.state] ?? 9) || a.id.localeCompare(b.id));
  const ok = devices.filter(d => d.state === "online").length;
  document.getElementById("device-summary").textContent = t("devices.summary", {ok: number(ok), all: number(devices.length)});
  document.getElementById("devices").innerHTML = sorted.map(d => {
    const why = d.tampered ? t("devices.tampered") : d.activeFaults && d.activeFaults.length ? t("devices.faults", {faults: d.activeFaults.join(", ")})
      : d.state === "silent" ? t("adminDevices.reason.silent", {s: number(d.maxSilenceS || 0)}) : d.reason || "";
    const connected = d.connections ? " · " + t("devices.connected", {n: number(d.connections)}) : "";
    return `<li class="${esc(d.state)}" data-device="${esc(d.id)}" title="${esc(family(d.family))}${d.lane ? " · " + esc(t("alarm.lane", {lane: d.lane})) : ""}"><b><span class="dot"></span>${esc(d.id)} <small class="muted">${esc(family(d.family))}${d.lane ? " · " + esc(t("alarm.lane", {lane: d.lane})) : ""}</small></b>
      <span class="state">${esc(deviceState(d.state))}${esc(connected)}${why ? " · " : ""}<span class="why">${esc(why)}</span></span>
      <span class="last muted">${esc(d.lastFrameAt ? t("devices.lastFrame", {ago: ago(d.lastFrameAt)}) : t("devices.noFrame"))}</span></li>`;
  }).join("");
}
