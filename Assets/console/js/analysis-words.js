// The analyst's words: every event as a sentence, times with their date in the site's zone, risk
// signals and trader modifiers by name, goods quantities with their units. Every text comes from
// the catalogs; values the hub does not translate (a goods description, a hub note) are quoted.
import { t, tn, locale } from "./i18n.js";
import { number, coords, metres, timeZone, esc } from "./format.js";
import { plate, deviceState, family, headline, CHANNELS } from "./words.js";

const KINDS = ["radiation.alarm", "radiation.occupancy", "radiation.occupancy-start", "radiation.measurement", "radiation.background",
  "radiation.fault", "ocr.read", "scan.result", "scan.verdict", "seal.status", "seal.tamper", "seal.command", "trace.alarm", "trace.clear", "gps.fix", "device.status", "device.tamper",
  "gate.passage", "gate.passage-resolution", "risk.assessment", "transit.deviation", "transit.seal", "transit.overdue",
  "transit.stop", "transit.signal-lost", "transit.returned", "transit.signal-regained", "transit.arrived", "package.received"];
export const SIGNALS = ["radiationAlarm", "scanSuspect", "undeclaredContainer", "missingContainer", "sealMismatch", "plateMismatch",
  "transitDeviation", "transitSealOpened", "transitOverdue", "transitStop", "transitSignalLost", "tamperDuringPassage",
  "imageSuspect", "imageInspect", "imageClear", "partnerCleared"];
const MODIFIERS = ["aeo", "complianceHigh", "complianceMedium", "complianceLow"];
const UNITS = ["KGM", "TNE", "LTR", "PCE", "MTQ", "MTK", "SET", "CT"];
const CAMERAS = ["front", "rear", "side", "top"];
const CONTAINER_PROBLEMS = {"check digit": "checkDigit", "category letter": "category", format: "format", length: "length", empty: "empty"};
const MISSING = ["radiation", "ocr", "scan"];
const ATD = ["clear", "suspect", "inspect", "error", "not-run"];
const SEAL_COMMANDS = ["unlock", "lock", "position"];
const SEAL_COMMAND_RESULTS = ["pending-approval", "sent", "acknowledged", "executed", "failed", "timed-out"];
const LINK_KINDS = ["container", "seal", "plate", "ucr"];

/** The kind of an event in a few words ("OCR read"). */
export function kindName(k) { return KINDS.includes(k) ? t(`analysis.kindName.${k}`) : t("analysis.kindName.other"); }

/** 05/12/2026 07:10:28 in the site's zone: an analyst works across days. */
export function when(iso) {
  if (!iso) return "–";
  const d = new Date(iso);
  if (isNaN(d.getTime())) return "–";
  return new Intl.DateTimeFormat(locale(), {timeZone: timeZone(), year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false}).format(d);
}
/** 07:10:28.9 within a passage, where tenths of a second tell the order. */
export function clock(iso) {
  if (!iso) return "–";
  const d = new Date(iso);
  if (isNaN(d.getTime())) return "–";
  return new Intl.DateTimeFormat(locale(), {timeZone: timeZone(), hour: "2-digit", minute: "2-digit", second: "2-digit",
    fractionalSecondDigits: 1, hour12: false}).format(d);
}
export function percent(x) { return x == null ? "–" : t("analysis.percent", {n: number(x, 0)}); }
export function seconds(s) { return t("analysis.seconds", {n: number(s, s < 1 ? 2 : 1)}); }
/** A channel inside a sentence ("on the red channel"); the chips keep its name as a label ("Red channel"). */
export function channelWord(c) { return CHANNELS.includes(c) ? t(`channel.word.${c}`) : t("analysis.channelUnknown"); }
/** A channel's colour alone, where the sentence already says "channel" ("changed from green to red"). */
export function channelColour(c) { return CHANNELS.includes(c) ? t(`channel.colour.${c}`) : t("analysis.channelUnknown"); }
export function quoted(s) { return t("analysis.quoted", {text: s}); }

const CLASSES = ["Foreground", "Background", "IntrinsicActivity", "Calibration", "NotSpecified"];

/** An N42 measurement's class (`Foreground`, `Background`, …) in words. */
export function classWord(c) { return CLASSES.includes(c) ? t(`measurement.class.${c}`) : c ? quoted(c) : t("measurement.class.none"); }

/** A goods quantity with its unit: 18.500 kg, 1.200 chiếc; an unknown unit code as written. */
export function quantity(q, unit) {
  if (q == null) return "–";
  return UNITS.includes(unit) ? tn(`analysis.unit.${unit}`, q, {n: number(q, 3)}) : `${number(q, 3)} ${unit || ""}`.trim();
}
/** The declared goods' weight in kilograms, when some lines are in kg or tonnes. */
export function weightKg(goods) {
  const lines = (goods || []).filter(g => g.quantity != null && (g.unit === "KGM" || g.unit === "TNE"));
  return lines.length ? lines.reduce((s, g) => s + (g.unit === "TNE" ? g.quantity * 1000 : g.quantity), 0) : null;
}

export function signalName(s) { return SIGNALS.includes(s) ? t(`analysis.signal.${s}`) : t("analysis.signal.other", {name: s}); }
/** What a signal found, in the officer's language: containers the hub listed are kept. */
export function signalWhy(s) {
  if (["imageSuspect", "imageInspect", "imageClear"].includes(s.signal)) return imageWhy(s);
  if (s.signal === "partnerCleared") return partnerWhy(s);
  const list = /:\s*(.+)$/.exec(s.detail || "");
  const what = SIGNALS.includes(s.signal) ? t(`analysis.signalWhy.${s.signal}`) : quoted(s.detail || "");
  return list && ["undeclaredContainer", "missingContainer"].includes(s.signal) ? `${what}: ${list[1]}` : what;
}
/** A partner's clearance from the hub's detail ("inspected and cleared by kh-customs (KH) on 2026-11-18T08:20:00.000Z,
 * verified: …"): the day in the site's zone, as the package's own block writes it. */
function partnerWhy(s) {
  const d = s.detail || "";
  const all = [...d.matchAll(/cleared by ([^ ;]+) \(([A-Z]{2})\) on (\d{4}-\d{2}-\d{2})(T[\d:.]+Z)?/g)];
  const who = all.map(m => t("analysis.signalWhy.partnerCleared",
    {partner: `${m[1]} (${m[2]})`, day: day(m[3] + (m[4] || "T12:00:00Z"))})).join("; ");
  return [who || quoted(d), d.includes("lowers the declared yellow") ? t("analysis.signalWhy.partnerLowers") : ""].filter(Boolean).join("; ");
}
/** A date alone (05/12/2026) in the site's zone. */
export function day(iso) {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return "–";
  return new Intl.DateTimeFormat(locale(), {timeZone: timeZone(), year: "numeric", month: "2-digit", day: "2-digit"}).format(d);
}
/** "Inspected by kh-customs (KH) on 18/11/2026, verified: inspected and cleared, …": a received partner package for the declaration page. */
export function partnerSentence(e) {
  const d = e.data || {};
  return t("analysis.partnerInspected", {partner: d.partner, country: d.country, day: day(d.inspectedAt || d.created),
    result: t(d.cleared ? "analysis.ev.partnerCleared" : "analysis.ev.partnerAlarm"), members: number(d.members)});
}
/** An analysts' image verdict from the hub's detail ("… by lan, confirmed by minh: “label” …"): who, and what they marked. */
function imageWhy(s) {
  const d = s.detail || "";
  const two = /by ([^,;:]+), (?:confirmed|decided) by ([^,;:]+)/.exec(d), one = /by ([^,;:(]+)/.exec(d);
  const who = two ? t("analysis.imageBy2", {first: two[1].trim(), second: two[2].trim()}) : one ? t("analysis.imageBy1", {user: one[1].trim()}) : "";
  const labels = [...d.matchAll(/“([^”]+)”/g)].map(m => m[1]).filter(l => l !== "unlabelled region");
  return [t(`analysis.signalWhy.${s.signal}`), who, labels.length ? t("analysis.imageRegions", {list: labels.map(quoted).join(", ")}) : ""].filter(Boolean).join(" ");
}
export function modifierName(m) { return MODIFIERS.includes(m) ? t(`analysis.modifier.${m}`) : t("analysis.modifier.other", {name: m}); }
export function points(p) { return (p > 0 ? "+" : p < 0 ? "−" : "") + number(Math.abs(p), 1); }
export function missingText(list) { return (list || []).map(m => (MISSING.includes(m) ? t(`analysis.missing.${m}`) : m)).join(", "); }
export function atdWord(r) { return ATD.includes(r) ? t(`analysis.atd.${r}`) : t("analysis.atd.other"); }
export function linkKind(k) { return LINK_KINDS.includes(k) ? t(`analysis.linkKind.${k}`) : k; }
/** How sure a link is, in words and figure. */
export function linkSureness(c) { return c >= 0.999 ? t("analysis.sure.certain") : t("analysis.sure.partly", {n: percent(c * 100)}); }
/** A link's identifier as it is written: plates with their separators. */
export function identifier(kind, value) { return kind === "plate" ? plate(value) : value; }

function camera(pos) { return CAMERAS.includes(pos) ? t(`analysis.camera.${pos}`) : t("analysis.camera.other"); }

/** One OCR read: what was read, by which camera, how sure, and what the hub made of an invalid number. */
function ocr(d) {
  const by = {camera: camera(d.position), confidence: percent(d.confidence)};
  if (d.read === "plate") return t("analysis.ev.plateRead", {...by, plate: plate(d.plate || d.text)});
  if (d.containerValid !== false) return t("analysis.ev.containerRead", {...by, container: d.container || d.text});
  const problem = CONTAINER_PROBLEMS[d.reason] ? t(`analysis.containerProblem.${CONTAINER_PROBLEMS[d.reason]}`) : quoted(d.reason || "");
  const base = t("analysis.ev.containerInvalid", {...by, text: d.text, problem});
  if (d.container && d.repairedFrom) {
    const c = (d.candidates || []).find(x => x.number === d.container);
    const how = c ? t("analysis.ev.repairHow", {position: number(c.position + 1), read: c.read, meant: c.meant}) : "";
    return base + " " + t("analysis.ev.repaired", {container: d.container, how});
  }
  return base + " " + t("analysis.ev.notRepaired");
}

/** The other repairs the hub weighed for an invalid read, when there were several. */
export function otherRepairs(d) {
  const others = (d.candidates || []).filter(c => c.number !== d.container);
  return others.length ? t("analysis.ev.otherRepairs", {list: others.map(c => `${c.number} (${number(c.score, 2)})`).join(", ")}) : "";
}

function occupancy(d) {
  const gamma = d.gammaAlarm ? t("analysis.ev.gammaAlarm", {cps: number(d.maxGammaCps), bg: number(d.gammaBackgroundCps != null ? d.gammaBackgroundCps / 4 : null)})
    : t("analysis.ev.gammaClear", {cps: number(d.maxGammaCps)});
  const neutron = d.neutronAlarm ? t("analysis.ev.neutronAlarm", {cps: number(d.maxNeutronCps, 1)}) : t("analysis.ev.neutronClear", {cps: number(d.maxNeutronCps, 1)});
  const pass = d.durationS != null ? t(d.speedKmh != null ? "analysis.ev.occupancyTimed" : "analysis.ev.occupancyTimedNoSpeed",
    {duration: seconds(d.durationS), speed: number(d.speedKmh, 1)}) : t("analysis.ev.occupancy");
  return `${pass} ${gamma} ${neutron}`;
}

/** Any event as one sentence, in the words of the language. */
export function describe(e) {
  const d = e.data || {}, s = e.subject || {};
  switch (e.kind) {
    case "ocr.read": return ocr(d);
    case "radiation.occupancy-start": return t("analysis.ev.entered", {device: e.device.id});
    case "radiation.occupancy": return occupancy(d);
    case "radiation.alarm":
      if (d.nuclides && d.nuclides.length) return t("analysis.ev.instrumentAlarm", {nuclides: d.nuclides.map(n => n.name).join(", ")});
      return t(d.radiation === "neutron" ? "analysis.ev.neutronLine" : "analysis.ev.gammaLine",
        {cps: number(d.peakCps != null ? d.peakCps : d.detectorsCps ? Math.max(...d.detectorsCps) : null)});
    case "radiation.measurement":
      return [t("analysis.ev.measurement", {kind: classWord(d.measurementClass)}),
        d.gammaCps != null ? t("analysis.ev.measurementGamma", {cps: number(d.gammaCps, 1)}) : "",
        d.doseRateUSvH != null ? t("measurement.dose", {dose: number(d.doseRateUSvH, 2)}) : "",
        d.alarmed ? t("measurement.alarmed") : ""].filter(Boolean).join(" ");
    case "scan.result": {
      const verdict = d.operatorVerdict ? " " + t("analysis.ev.operatorVerdict", {verdict: atdWord(d.operatorVerdict.verdict)}) : "";
      const atd = d.atdResult ? t("analysis.ev.atd", {result: atdWord(d.atdResult)}) : t("analysis.ev.noAtd");
      return t("analysis.ev.scan", {scan: d.scanId || "–", atd}) + verdict;
    }
    case "scan.verdict": {
      const v = ["clear", "suspect", "inspect"].includes(d.verdict) ? t(`review.verdict.${d.verdict}`) : d.verdict;
      return t(d.final ? "analysis.ev.verdictFinal" : "analysis.ev.verdictFirst", {user: d.by, verdict: v, scan: d.scanId || "–"})
        + ((d.regions || []).length ? " " + t("analysis.imageRegions", {list: d.regions.map(r => quoted(r.label || "–")).join(", ")}) : "");
    }
    case "seal.status": {
      const where = d.lat != null && d.lon != null ? " " + t("alarm.at", {place: coords(d.lat, d.lon)}) : "";
      return t("analysis.ev.seal", {what: headline(e), seal: (s.seals || []).join(", ") || "–"}) + where;
    }
    case "package.received":
      return t("analysis.ev.packageReceived", {partner: d.partner, country: d.country, declaration: d.partnerDeclaration,
        result: t(d.cleared ? "analysis.ev.partnerCleared" : "analysis.ev.partnerAlarm")});
    case "seal.command": {
      const command = SEAL_COMMANDS.includes(d.command) ? t(`sealCommand.${d.command}`) : d.command;
      const result = SEAL_COMMAND_RESULTS.includes(d.result) ? t(`sealCommand.result.${d.result}`) : d.result;
      return t("analysis.ev.sealCommand", {user: d.by, command, seal: d.unit, reason: quoted(d.reason || "–"), result})
        + (d.approvedBy ? " " + t("analysis.ev.sealCommandApproved", {user: d.approvedBy}) : "")
        + (d.answer ? " " + t("analysis.ev.sealCommandAnswer", {answer: quoted(d.answer)}) : "");
    }
    case "trace.alarm":
    case "trace.clear": {
      const detail = [d.channel ? t("analysis.ev.traceChannel", {channel: d.channel}) : "",
        d.amplitude != null ? t("analysis.ev.traceAmplitude", {amplitude: number(d.amplitude), unit: d.amplitudeUnit || ""}) : ""].filter(Boolean).join(", ");
      const subject = subjectText(s) || "–";
      return (e.kind === "trace.alarm" ? t("analysis.ev.trace", {substance: d.substance || "–", subject}) : t("analysis.ev.traceClear", {subject}))
        + (detail ? " (" + detail + ")" : "");
    }
    case "gate.passage": {
      const rpm = d.gammaAlarm || d.neutronAlarm ? t("analysis.ev.passageRpmAlarm") : d.occupancyEvent ? t("analysis.ev.passageRpmClear") : "";
      const scan = d.scanResult ? t("analysis.ev.passageScan", {result: atdWord(d.scanResult)}) : "";
      const trace = d.traceAlarm ? t("analysis.ev.passageTraceAlarm") : "";
      return [t("analysis.ev.passage", {revision: number(d.revision || 1), subject: subjectText(s) || t("analysis.noPlate")}), rpm, scan, trace,
        d.missing && d.missing.length ? t("analysis.ev.passageMissing", {list: missingText(d.missing)}) : ""].filter(Boolean).join(" ");
    }
    case "risk.assessment":
      return t("analysis.ev.risk", {channel: channelWord(d.channel), score: number(d.score), number: s.declaration || "–"});
    case "device.status":
      return t("analysis.ev.deviceStatus", {device: e.device.id, family: family(e.device.family), state: deviceState(d.state)});
    case "gps.fix":
      return t("analysis.ev.position", {place: coords(d.lat, d.lon)});
    default:
      if (["transit.returned", "transit.signal-regained", "transit.arrived"].includes(e.kind)) {
        return t(`analysis.ev.${e.kind.slice(8)}`) + (d.lat != null && d.lon != null ? ", " + t("alarm.at", {place: coords(d.lat, d.lon)}) : "");
      }
      if (e.kind.startsWith("transit.")) {
        return headline(e) + (d.distanceM != null ? ", " + t("alarm.offBy", {distance: metres(d.distanceM)}) : "")
          + (d.lat != null && d.lon != null ? ", " + t("alarm.at", {place: coords(d.lat, d.lon)}) : "");
      }
      if (e.kind.startsWith("radiation.") || e.kind.startsWith("device.")) return headline(e);
      return kindName(e.kind);
  }
}

/** Who or what reported an event, by name. */
export function source(e) {
  const f = e.device && e.device.family;
  if (["gate", "transit", "risk", "hub"].includes(f)) return t("alarm.byHub");
  return t("analysis.by", {device: e.device.id, family: family(f)});
}

/** The vehicle and cargo an event names: "truck 51C-123.45 · container CSQU3054383". */
export function subjectText(s) {
  const out = [];
  if (s.plates && s.plates.length) out.push(t("alarm.truck", {plate: s.plates.map(plate).join(", ")}));
  if (s.containers && s.containers.length) out.push(t(s.containers.length > 1 ? "alarm.containers" : "alarm.container", {list: s.containers.join(", ")}));
  if (s.seals && s.seals.length) out.push(t("alarm.seal", {seal: s.seals.join(", ")}));
  if (s.declaration) out.push(t("alarm.declaration", {number: s.declaration}));
  return out.join(" · ");
}

/** A passage named for a person: lane, time, truck. */
export function passageName(p) {
  const truck = (p.plates || []).length ? t("alarm.truck", {plate: p.plates.map(plate).join(", ")}) : t("analysis.noPlate");
  return t("analysis.passageName", {lane: p.lane || "–", time: when(p.startedAt || p.endedAt), truck});
}

export { esc, plate };
