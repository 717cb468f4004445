// Transits under seal on a Leaflet map (Debian's libjs-leaflet). No tile server is needed: the base
// is blank unless the site gives its intranet tiles (console.mapTiles); each transit shows its
// corridor with the tolerance as a band, the seal's track with positions outside in red, a cross
// where it last left the corridor, and its position labelled with declaration, seal and status.
import { t, tn } from "./i18n.js";
import { time, coords, metres, esc, number } from "./format.js";

let map = null, layer = null, fitted = false, tiles = null;
// For tests and for the eye: what is drawn, by declaration.
window.niihubMap = {positions: {}, corridorPoints: {}, outside: 0, leftAt: 0};

const STATUSES = ["on-route", "deviated", "overdue", "signal-lost", "seal-alarm"];
export function statusText(tr) {
  if (tr.status === "seal-alarm") return t("transitStatus.seal-alarm", {report: tr.sealReport ? t(`seal.${["opened", "tampered", "cut"].includes(tr.sealReport) ? tr.sealReport : "opened"}`) : t("seal.opened")});
  return STATUSES.includes(tr.status) ? t(`transitStatus.${tr.status}`) : t("transitStatus.unknown");
}

export function setTiles(url) { tiles = url || null; }
/** Fits the next drawing to its transits again (a page that shows one declaration's transit after another). */
export function refit() { fitted = false; }

function ensure() {
  if (map || !window.L) return map;
  map = window.L.map("transit-map", {attributionControl: false, zoomSnap: 0.25, preferCanvas: false});
  if (tiles) window.L.tileLayer(tiles, {maxZoom: 19}).addTo(map);
  window.L.control.scale({imperial: false}).addTo(map);
  layer = window.L.layerGroup().addTo(map);
  map.setView([10.8, 106.7], 9);
  map.on("zoomend", () => last && draw(last));
  return map;
}

/** Metres per screen pixel at a latitude, at the map's zoom. */
function metresPerPixel(lat) {
  return 40075016.686 * Math.cos(lat * Math.PI / 180) / Math.pow(2, map.getZoom() + 8);
}

let last = null;
export function draw(list) {
  last = list;
  document.getElementById("transits-empty").hidden = list.length > 0;
  document.getElementById("transit-map").hidden = list.length === 0;
  document.querySelector("#transit-list tbody").innerHTML = list.map(tr =>
    `<tr class="${tr.status === "on-route" ? "" : "alarm"}" data-declaration="${esc(tr.declaration)}"><td>${esc(tr.declaration)}</td><td>${esc(tr.seal)}</td>
      <td>${esc(tr.origin)} → ${esc(tr.destination)}</td><td class="status">${esc(statusText(tr))}${tr.deviations ? " · " + esc(tn("transits.deviations", tr.deviations, {n: number(tr.deviations)})) : ""}</td>
      <td>${tr.position ? esc(coords(tr.position.lat, tr.position.lon)) + (tr.position.distanceM ? " · " + esc(t("transits.off", {distance: metres(tr.position.distanceM)})) : "") : "–"}</td></tr>`).join("");
  if (!list.length || !ensure()) return;
  const L = window.L, m = window.niihubMap;
  layer.clearLayers();
  m.positions = {}; m.corridorPoints = {}; m.outside = 0; m.leftAt = 0;
  const bounds = [];
  for (const tr of list) {
    const bad = tr.status !== "on-route";
    const corridor = tr.corridor.map(p => [p[0], p[1]]);
    corridor.forEach(p => bounds.push(p));
    const band = Math.max(3, 2 * tr.bufferM / metresPerPixel(corridor[0][0]));
    L.polyline(corridor, {color: "#2e7d5b", opacity: 0.18, weight: band, lineCap: "round", lineJoin: "round", interactive: false}).addTo(layer);
    L.polyline(corridor, {color: "#2e7d5b", weight: 2, dashArray: "6 4", className: "corridor"})
      .bindTooltip(t("transits.corridor", {buffer: metres(tr.bufferM)})).addTo(layer);
    m.corridorPoints[tr.declaration] = corridor.length;
    const ends = [[corridor[0], tr.origin], [corridor[corridor.length - 1], tr.destination]];
    for (const [p, name] of ends) L.circleMarker(p, {radius: 4, color: "#2e7d5b", fillOpacity: 1}).bindTooltip(esc(name), {permanent: true, direction: "top", className: "place"}).addTo(layer);
    const track = tr.track.map(p => [p.lat, p.lon]);
    track.forEach(p => bounds.push(p));
    if (track.length > 1) L.polyline(track, {color: "#1d4ed8", weight: 3}).addTo(layer);
    for (const p of tr.track.filter(p => p.outside)) {
      m.outside++;
      L.circleMarker([p.lat, p.lon], {radius: 4, color: "#c62828", fillColor: "#c62828", fillOpacity: 1, className: "outside"})
        .bindTooltip(esc(t("transits.outsideAt", {distance: metres(p.distanceM), time: time(p.at)}))).addTo(layer);
    }
    if (tr.leftAt) {
      m.leftAt++;
      L.marker([tr.leftAt.lat, tr.leftAt.lon], {icon: L.divIcon({className: "left-at", html: "✕", iconSize: [18, 18]})})
        .bindTooltip(esc(t("transits.leftAt", {time: time(tr.leftAt.at)})), {direction: "bottom"}).addTo(layer);
    }
    if (tr.position) {
      const q = tr.position;
      m.positions[tr.declaration] = [q.lat, q.lon];
      L.circleMarker([q.lat, q.lon], {radius: 8, color: "#fff", weight: 2, fillColor: bad ? "#c62828" : "#1d4ed8", fillOpacity: 1, className: "position"})
        .bindTooltip(`${esc(tr.declaration)} · ${esc(t("transits.sealShort", {seal: tr.seal}))} · ${esc(statusText(tr))}`, {permanent: true, direction: "auto", className: bad ? "label bad" : "label"})
        .addTo(layer);
    }
  }
  if (!fitted && bounds.length) { map.fitBounds(bounds, {padding: [24, 24]}); fitted = true; }
  setTimeout(() => map.invalidateSize(), 0);
}

/** Centres the map on a place an alarm names, with a marker saying what happened there. */
export function showPlace(lat, lon, text) {
  document.getElementById("transit-section").scrollIntoView({block: "nearest"});
  document.getElementById("transit-map").hidden = false;
  if (!ensure()) return;
  map.invalidateSize();
  map.setView([lat, lon], Math.max(map.getZoom(), 13));
  window.L.circleMarker([lat, lon], {radius: 10, color: "#c62828", weight: 3, fillOpacity: 0.2}).bindTooltip(esc(text), {permanent: true}).addTo(layer);
}
