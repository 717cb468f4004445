// Events in the officer's words: an alarm as a sentence with its evidence, device states,
// channels and codes. Every text comes from the catalog.
import { t } from "./i18n.js";
import { number, coords, metres, esc } from "./format.js";

/** Gamma detectors in a Rapiscan-style portal monitor's lines (GB/GS/GA carry four counts). */
export const DETECTORS = 4;
export const CHANNELS = ["green", "yellow", "red"];
const DEVICE_STATES = ["connecting", "online", "silent", "degraded", "offline", "faulted", "tampered", "disabled"];
const FAMILIES = ["radiation-portal", "radiation-instrument", "container-scanner", "gate-ocr", "gps-receiver", "gps-tracker", "e-seal", "baggage-scanner", "trace-detector", "lane-relay"];

export function channel(c) {
  return CHANNELS.includes(c) ? `<span class="chip ${c}">${esc(t(`channel.${c}`))}</span>` : "";
}
export function deviceState(s) { return DEVICE_STATES.includes(s) ? t(`state.${s}`) : t("state.unknown"); }
export function family(f) { return FAMILIES.includes(f) ? t(`family.${f}`) : t("family.other"); }
/** A Vietnamese plate as it is painted: 51C12345 → 51C-123.45, 29A1234 → 29A-1234; others as read. */
export function plate(p) {
  const s = String(p ?? "");
  let m = /^(\d{2}[A-Z]{1,2}\d?)(\d{3})(\d{2})$/.exec(s);
  if (m) return `${m[1]}-${m[2]}.${m[3]}`;
  m = /^(\d{2}[A-Z]{1,2})(\d{4})$/.exec(s);
  return m ? `${m[1]}-${m[2]}` : s;
}
/** Who reported an event: the device's name, or the hub itself for what it worked out. */
export function reporter(e) {
  return ["gate", "transit", "risk", "hub"].includes(e.device && e.device.family) ? t("alarm.byHub") : t("alarm.device.by", {device: e.device.id});
}
export function lane(l) { return l ? t("alarm.lane", {lane: l}) : ""; }

const SEAL_STATUSES = ["opened", "tampered", "cut", "shock", "low-battery", "lock", "unlock"];
const FINDINGS = ["deviation", "seal", "overdue", "stop", "signal-lost"];

/** The headline of an alarm: what happened, in a few words. */
export function headline(e) {
  const d = e.data || {};
  switch (e.kind) {
    case "radiation.alarm":
      return d.nuclides && d.nuclides.length ? t("alarm.instrument", {nuclides: d.nuclides.map(n => n.name).join(", ")})
        : d.radiation === "neutron" ? t("alarm.neutron") : t("alarm.gamma");
    case "radiation.occupancy":
      return d.neutronAlarm && d.gammaAlarm ? t("alarm.gammaNeutron") : d.neutronAlarm ? t("alarm.neutron") : t("alarm.gamma");
    case "seal.status":
      return SEAL_STATUSES.includes(d.status) ? t(`seal.${d.status}`) : t("seal.alarm");
    case "device.tamper": return t("alarm.tamper");
    case "device.status": return d.alarm ? t("alarm.unit", {alarm: d.alarm}) : d.state === "silent" ? t("alarm.silent") : t("alarm.device");
    case "scan.result": return t("alarm.scan");
    case "trace.alarm":
      return d.substance ? t("alarm.trace", {substance: d.substance}) : t("alarm.traceUnnamed");
    case "risk.assessment":
      return CHANNELS.includes(d.channel) ? t("alarm.risk", {channel: t(`channel.${d.channel}`).toLocaleLowerCase(), score: number(d.score)}) : t("alarm.riskOther");
    case "gate.passage": return d.rpmResult === "alarm" || d.alarmed ? t("alarm.passage") : t("alarm.passageOther");
    case "radiation.fault": return t("alarm.fault");
    default: {
      const f = e.kind.startsWith("transit.") ? e.kind.slice(8) : null;
      if (f && FINDINGS.includes(f)) return t(`transit.${f}`);
      return t("alarm.other");
    }
  }
}

/** The evidence, each a short phrase: lane, counts against background, vehicle, seal, declaration, place. */
export function facts(e, ctx = {}) {
  const d = e.data || {}, s = e.subject || {}, out = [];
  if (e.lane) out.push(lane(e.lane));
  // The whole occupancy's peak once it is known; until then the first alarm line's.
  const peak = ctx.peakCps != null && e.kind === "radiation.alarm" ? ctx.peakCps
    : e.kind === "radiation.alarm" && d.detectorsCps ? Math.max(...d.detectorsCps)
    : e.kind === "radiation.occupancy" ? (d.neutronAlarm && !d.gammaAlarm ? d.maxNeutronCps : d.maxGammaCps) : null;
  // The hub's gammaBackgroundCps sums the monitor's four detectors; its peaks are one detector's.
  const neutronOnly = (e.kind === "radiation.alarm" && d.radiation === "neutron") || (e.kind === "radiation.occupancy" && d.neutronAlarm && !d.gammaAlarm);
  const background = neutronOnly ? null
    : e.kind === "radiation.occupancy" && d.gammaBackgroundCps != null ? d.gammaBackgroundCps / DETECTORS : ctx.backgroundCps;
  if (peak != null) out.push(background != null ? t("alarm.cpsOver", {cps: number(peak), bg: number(background)}) : t("alarm.cps", {cps: number(peak)}));
  const plates = [...new Set([...(s.plates || []), ...(ctx.plates || [])])];
  const containers = [...new Set([...(s.containers || []), ...(ctx.containers || [])])];
  if (plates.length) out.push(t("alarm.truck", {plate: plates.map(plate).join(", ")}));
  if (containers.length) out.push(t(containers.length > 1 ? "alarm.containers" : "alarm.container", {list: containers.join(", ")}));
  if (s.seals && s.seals.length) out.push(t("alarm.seal", {seal: s.seals.join(", ")}));
  const decl = s.declaration || ctx.declaration;
  if (decl) out.push(t("alarm.declaration", {number: decl}));
  if (d.lat != null && d.lon != null) out.push(t("alarm.at", {place: coords(d.lat, d.lon)}));
  if (d.distanceM != null) out.push(t("alarm.offBy", {distance: metres(d.distanceM)}));
  if (ctx.earlier) out.push(t("alarm.earlier", {outcome: ctx.earlier.outcome, user: ctx.earlier.by}));
  if (e.kind === "radiation.occupancy" && d.speedKmh != null) out.push(t("alarm.speed", {kmh: number(d.speedKmh, 1)}));
  return out;
}

/** "Gamma alarm, lane 1, 1,160 cps (background 310), truck 51C-123.45, container CSQU3054383" */
export function sentence(e, ctx) { return [headline(e), ...facts(e, ctx)].join(", "); }

/** The adjudication codes radiation operators use (OSCAR's groups): the API's `code` and its catalog key. */
export const CODES = [
  {code: "real", key: "real"},
  {code: "norm", key: "norm"},
  {code: "false", key: "false"},
  {code: "test", key: "test"},
  {code: "tamper-fault", key: "fault"},
];
export const SECONDARY = ["none", "requested", "completed"];

/** An adjudication's code and note. Before the code was a field the console wrote it at the head of
 *  the note ("[norm] …", "[fault] …"): such notes are read as code and note. */
export function codeOf(a) {
  const known = c => CODES.find(x => x.code === c || x.key === c);
  if (a.code && known(a.code)) return {code: known(a.code).code, note: a.note || ""};
  const m = /^\[([\w-]+)\]\s?(.*)$/s.exec(a.note || "");
  if (m && known(m[1])) return {code: known(m[1]).code, note: m[2]};
  return {code: null, note: a.note || ""};
}
export function codeText(code) {
  const c = CODES.find(x => x.code === code);
  return c ? t(`code.${c.key}`) : "";
}
export function outcomeText(a) {
  const {code} = codeOf(a);
  return code ? codeText(code) : t(`outcome.${a.outcome === "false-alarm" ? "false" : a.outcome === "referred" ? "referred" : "cleared"}`);
}
