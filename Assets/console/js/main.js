// The operator console: the alarm queue (live over the WebSocket), lanes, device health and the
// transit map, refreshed every two seconds and at once when the live feed says something changed.
import { t } from "./i18n.js";
import { json } from "./api.js";
import * as session from "./session.js";
import * as alarms from "./alarms.js";
import * as lanes from "./lanes.js";
import * as transits from "./map.js";

const $ = s => document.querySelector(s);
let socket = null, timer = null, running = false;

function liveStatus(on) {
  const s = $("#live-status");
  s.dataset.i18n = on ? "live.on" : "live.offline";
  s.textContent = t(s.dataset.i18n);
  s.className = "pill " + (on ? "online" : "offline");
}

function connectLive() {
  if (socket || !running) return;
  socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/live");
  socket.onopen = () => liveStatus(true);
  socket.onclose = () => { socket = null; liveStatus(false); if (running) setTimeout(connectLive, 2000); };
  socket.onmessage = m => {
    const f = JSON.parse(m.data);
    if (f.type === "event" && f.event.severity === "alarm") alarms.add(f.event, true);
    if (f.type === "event" && f.event.kind === "device.status") refresh();
    if (f.type === "event" && f.event.kind.startsWith("transit.")) refreshTransits();
    if (f.type === "adjudication") { alarms.remove(f.adjudication.eventID); refresh(); }
    if (f.type === "acknowledgement") alarms.acknowledgedElsewhere(f.acknowledgement);
  };
}

async function refreshTransits() {
  const r = await json("/api/v1/transits").catch(() => null);
  if (r) transits.draw(r.transits);
}

let inFlight = false;
async function refresh() {
  if (!running || inFlight) return;
  inFlight = true;
  try {
    const [ln, dv, adj, starts, overdue] = await Promise.all([
      json("/api/v1/lanes"), json("/api/v1/devices"), json("/api/v1/alarms?state=adjudicated"),
      json("/api/v1/events?kind=radiation.occupancy-start&order=desc&limit=20"),
      json("/api/v1/lanes/overdue-reviews").catch(() => ({lanes: []})),
    ]);
    lanes.draw(ln.lanes, dv.devices, starts.events, overdue.lanes);
    lanes.drawDevices(dv.devices);
    alarms.drawAdjudicated(adj.alarms);
    await refreshTransits();
    alarms.tick();
    session.updated(true);
  } catch (err) {
    if (running) session.updated(false, err.message);
  } finally { inFlight = false; }
}

async function start() {
  running = true;
  const s = session.siteSettings();
  transits.setTiles(s.mapTiles);
  const pending = await json("/api/v1/alarms?state=open");
  pending.alarms.slice().reverse().forEach(a => alarms.add(a.event, false, a.acknowledgement));
  connectLive();
  refresh();
  timer = setInterval(refresh, 2000);
}

function stop() {
  running = false;
  clearInterval(timer);
  alarms.clear();
  if (socket) socket.close();
}

alarms.whenPlaceAsked(transits.showPlace);
document.addEventListener("niihub:gesture", alarms.unlockAudio);
document.addEventListener("niihub:adjudicated", refresh);
document.addEventListener("keydown", alarms.keyboard);
$("#mute").addEventListener("click", ev => {
  const m = ev.currentTarget.getAttribute("aria-pressed") !== "true";
  ev.currentTarget.setAttribute("aria-pressed", String(m));
  ev.currentTarget.dataset.i18n = m ? "sound.off" : "sound.on";
  ev.currentTarget.textContent = t(ev.currentTarget.dataset.i18n);
  alarms.setMuted(m);
});
session.boot({start, stop, redraw: () => { alarms.redraw(true); refresh(); }});
