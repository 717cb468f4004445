// The device profiles the hub loaded: what each model is, the settings it fixes, and the devices of
// the site that use it. Read-only here: the screen says which file to edit (the hub reloads it).
import { t, tn } from "./i18n.js";
import { json } from "./api.js";
import { duration, esc, number } from "./format.js";
import { family } from "./words.js";

const $ = s => document.querySelector(s);
const TRANSPORTS = ["serial", "tcp", "udp", "file"];
const ENDPOINTS = ["port", "usb", "listen", "connect", "folder"];
const PARITY = ["none", "even", "odd"];
const FLOW = ["none", "rtscts", "xonxoff"];
let last = {profiles: [], folder: "", siteFile: ""};

/** The profiles as last read, by model. */
export function byModel() { return new Map(last.profiles.map(p => [p.model, p])); }

/** Where a device is reached, in words around the address: "listens on 127.0.0.1:17101". */
export function endpoint(kind, address) {
  return ENDPOINTS.includes(kind) ? t(`profiles.endpoint.${kind}`, {address}) : address || "";
}

/** "9600 baud, 8 data bits, no parity, 1 stop bit" */
function line(s) {
  return tn("profiles.serialLine", s.stopBits, {baud: number(s.baud), bits: number(s.dataBits),
    parity: t(`profiles.parity.${PARITY.includes(s.parity) ? s.parity : "none"}`), stop: number(s.stopBits),
    flow: t(`profiles.flow.${FLOW.includes(s.flowControl) ? s.flowControl : "none"}`)});
}

/** The settings a profile fixes, each a short phrase. */
function settings(p) {
  const out = [];
  if (p.serial) out.push(line(p.serial));
  if (p.network) out.push(t("profiles.network", {idle: number(p.network.idleTimeoutS), max: number(p.network.maxConnections)}));
  if (p.files) {
    out.push(t(`profiles.completion.${p.files.completion === "marker" ? "marker" : "rename"}`));
    if (p.files.extensions && p.files.extensions.length) out.push(t("profiles.extensions", {list: p.files.extensions.map(e => "." + e).join(", ")}));
    out.push(t("profiles.maxFile", {mb: number(p.files.maxFileBytes / 1048576)}));
  }
  if (p.usb && p.usb.length) out.push(t("profiles.usb", {ids: p.usb.map(u => `${u.vendorId}:${u.productId}`).join(", ")}));
  out.push(t("profiles.heartbeat", {time: duration(p.maxSilenceS ?? 3 * p.heartbeatIntervalS)}));
  out.push(t("profiles.frame", {bytes: number(p.maxFrameBytes)}));
  const th = Object.entries(p.thresholds || {});
  if (th.length) out.push(t("profiles.thresholds", {list: th.map(([k, v]) => `${k} ${number(v)}`).join(", ")}));
  return out;
}

function devices(p) {
  if (!p.devices.length) return `<span class="muted">${esc(t("profiles.unused"))}</span>`;
  return `<ul class="plain">${p.devices.map(d => {
    const parts = [d.lane ? t("alarm.lane", {lane: d.lane}) : "", d.endpoint ? endpoint(d.endpoint.kind, d.endpoint.address) : "",
      d.enabled ? "" : t("profiles.disabled")];
    const own = d.serial && p.serial && line(d.serial) !== line(p.serial) ? t("profiles.ownLine", {line: line(d.serial)}) : "";
    return `<li data-device="${esc(d.id)}"><b>${esc(d.id)}</b> ${esc(parts.filter(Boolean).join(" · "))}${own ? ` <span class="muted">${esc(own)}</span>` : ""}</li>`;
  }).join("")}</ul>`;
}

export async function refresh() {
  last = await json("/api/v1/profiles");
  $("#profiles-where").textContent = t("profiles.where", {folder: last.folder, site: last.siteFile});
  $("#profiles tbody").innerHTML = last.profiles.map(p => `<tr id="profile-${esc(p.model)}" data-model="${esc(p.model)}">
    <td><b>${esc(p.model)}</b><br>${esc(p.name)}<br><span class="muted">${esc(p.vendor ? t("profiles.maker", {maker: p.vendor}) : t("profiles.noMaker"))}</span></td>
    <td>${esc(family(p.family))}<br><span class="muted">${esc(t("profiles.protocol", {protocol: p.protocol}))} · ${esc(t(`profiles.transport.${TRANSPORTS.includes(p.transport) ? p.transport : "other"}`))}</span></td>
    <td class="settings">${settings(p).map(s => esc(s)).join("<br>")}</td>
    <td>${devices(p)}</td>
    <td class="file"><span class="muted">${esc(t("profiles.editIn"))}</span><br><code>${esc(p.file)}</code></td></tr>`).join("");
}
