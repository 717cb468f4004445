// A declaration as the analyst reads it: who, what (goods, HS codes, weight), which containers,
// vehicle and seals; its versions and what each changed; the events linked to it and why; its
// risk history with every signal and its weight; and for a sealed transit, the corridor and the
// seal's track on the map (js/map.js). The card and the risk table are shared with the passage page.
import { t, tn } from "./i18n.js";
import { json } from "./api.js";
import { number, esc, metres } from "./format.js";
import { channel } from "./words.js";
import * as transits from "./map.js";
import { siteSettings } from "./session.js";
import { when, describe, kindName, quantity, weightKg, signalName, signalWhy, modifierName, points, channelWord, channelColour, linkKind,
  linkSureness, identifier, passageName, plate, quoted, partnerSentence } from "./analysis-words.js";
import { riskChip } from "./analysis-search.js";

const TYPES = ["import", "export", "transit"];
const COMPLIANCE = ["high", "medium", "low"];

function typeWord(d) { return t(`analysis.type.${TYPES.includes(d.type) ? d.type : "other"}`); }

function trader(tr) {
  const parts = [tr.name ? `<b>${esc(tr.name)}</b>` : "", esc(t("analysis.tin", {tin: tr.tin})),
    esc(tr.aeo ? t("analysis.aeo") : t("analysis.notAeo"))];
  if (tr.complianceLevel) parts.push(esc(t(`analysis.compliance.${COMPLIANCE.includes(tr.complianceLevel) ? tr.complianceLevel : "other"}`)));
  return parts.filter(Boolean).join(" · ");
}

/** The declaration's facts: type, office, version, trader, cargo, vehicle, seals, goods with HS codes and weight. */
export function declarationCard(d, {linked = null, heading = true} = {}) {
  const weight = weightKg(d.goods);
  const status = d.status === "cancelled" ? `<p class="error">${esc(t("analysis.cancelledBecause", {reason: d.cancelReason || "–"}))}</p>` : "";
  const goods = d.goods.length ? `<table class="compact goods"><thead><tr><th>${esc(t("analysis.hsCode"))}</th><th>${esc(t("analysis.goods"))}</th>
      <th class="num">${esc(t("analysis.quantity"))}</th></tr></thead><tbody>${d.goods.map(g => `<tr><td class="code">${esc(g.hsCode)}</td>
      <td>${esc(g.description || "–")}</td><td class="num">${esc(quantity(g.quantity, g.unit))}</td></tr>`).join("")}</tbody></table>`
    : `<p class="muted">${esc(t("analysis.noGoods"))}</p>`;
  return `<article class="decl-card" data-declaration="${esc(d.number)}">
    ${heading ? `<h3><a href="#declaration/${esc(encodeURIComponent(d.number))}">${esc(t("analysis.declarationTitle", {number: d.number}))}</a></h3>` : ""}
    <p class="sentence">${esc(t("analysis.declarationSentence", {type: typeWord(d), office: d.office, version: number(d.version),
      received: when(d.receivedAt)}))} ${esc(t("analysis.declaredOn"))} ${channel(d.channel)}</p>${status}
    ${linked ? `<p class="linked">${linked}</p>` : ""}
    <dl class="facts">
      <dt>${esc(t("analysis.trader"))}</dt><dd>${trader(d.trader)}</dd>
      <dt>${esc(t("lanes.containers"))}</dt><dd>${esc(d.containers.join(", ") || "–")}</dd>
      <dt>${esc(t("lanes.vehicle"))}</dt><dd>${esc(d.plates.map(plate).join(", ") || "–")}</dd>
      <dt>${esc(t("transits.seal"))}</dt><dd>${esc(d.seals.join(", ") || "–")}</dd>
      <dt>${esc(t("analysis.f.ucr"))}</dt><dd>${esc(d.ucr || "–")}</dd>
      <dt>${esc(t("analysis.weight"))}</dt><dd>${esc(weight != null ? t("analysis.unit.KGM", {n: number(weight, 3)}) : t("analysis.noWeight"))}</dd>
      ${d.issuedAt ? `<dt>${esc(t("analysis.issued"))}</dt><dd>${esc(when(d.issuedAt))}</dd>` : ""}
    </dl>
    ${goods}</article>`;
}

/** An evidence event named for a person, linked to its page when it has one. */
export function evidenceName(id, known, here) {
  if (id === here) return esc(t("analysis.thisPassage"));
  const e = known.get(id);
  if (!e) return esc(t("analysis.otherEvent"));
  if (e.kind === "gate.passage") {
    const p = {lane: e.lane, startedAt: (e.data || {}).startedAt || e.observedAt, plates: (e.subject || {}).plates || []};
    return `<a href="#passage/${esc(e.id)}">${esc(passageName(p))}</a>`;
  }
  return esc(t("analysis.eventAt", {what: kindName(e.kind), time: when(e.observedAt)}));
}

/** The assessment: channel and score in a sentence, then every signal with its weight, the trader's modifiers and the total. */
export function riskBlock(r, known, here) {
  if (!r) return `<section class="risk"><h3>${esc(t("analysis.riskTitle"))}</h3><p class="muted">${esc(t("analysis.noRisk"))}</p></section>`;
  const d = r.data || {};
  const sum = (d.signals || []).reduce((s, x) => s + x.points, 0) + Object.values(d.modifiers || {}).reduce((s, x) => s + x, 0);
  const rows = (d.signals || []).map(s => `<tr class="signal" data-signal="${esc(s.signal)}"><td>${esc(signalName(s.signal))}</td>
      <td class="num weight">${esc(points(s.points))}</td><td>${esc(signalWhy(s))}</td>
      <td>${s.evidence.map(id => evidenceName(id, known, here)).join("<br>")}</td></tr>`).join("")
    + Object.entries(d.modifiers || {}).map(([m, p]) => `<tr class="modifier"><td>${esc(modifierName(m))}</td><td class="num weight">${esc(points(p))}</td>
      <td>${esc(t("analysis.modifierWhy"))}</td><td></td></tr>`).join("");
  const capped = sum !== d.score ? " " + t("analysis.capped", {sum: number(sum, 1)}) : "";
  return `<section class="risk" data-assessment="${esc(r.id)}">
    <h3>${esc(t("analysis.riskTitle"))}</h3>
    <p class="sentence">${esc(t("analysis.riskSentence", {number: (r.subject || {}).declaration || "–", channel: channelWord(d.channel),
      score: number(d.score), declared: channelWord(d.declaredChannel)}))}${d.escalated ? " " + esc(t("analysis.escalated")) : ""}
      <span class="muted">${esc(t("analysis.assessedAt", {time: when(r.observedAt), version: number(d.declarationVersion)}))}</span></p>
    ${rows ? `<table class="compact signals"><thead><tr><th>${esc(t("analysis.signal"))}</th><th class="num">${esc(t("analysis.weightPoints"))}</th>
      <th>${esc(t("analysis.found"))}</th><th>${esc(t("analysis.evidence"))}</th></tr></thead><tbody>${rows}</tbody>
      <tfoot><tr><th>${esc(t("analysis.score"))}</th><th class="num">${esc(number(d.score, 1))}</th><th colspan="2">${esc(capped.trim())}</th></tr></tfoot></table>`
      : `<p class="muted">${esc(t("analysis.noSignals"))}</p>`}
  </section>`;
}

/** How an event is tied to the declaration, in words: which identifier, how sure, and a repaired read. */
export function linkWords(links, e) {
  return links.map(l => {
    const repaired = e && e.kind === "ocr.read" && (e.data || {}).repairedFrom && l.kind === "container"
      ? " " + t("analysis.linkRepaired", {read: e.data.repairedFrom}) : "";
    return t("analysis.linkSentence", {kind: linkKind(l.kind), value: identifier(l.kind, l.value), sure: linkSureness(l.confidence),
      version: number(l.version)}) + repaired;
  }).join("; ");
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
function listChange(label, before, after) {
  const added = after.filter(x => !before.includes(x)), removed = before.filter(x => !after.includes(x));
  const out = [];
  if (added.length) out.push(t("analysis.change.added", {what: label, list: added.join(", ")}));
  if (removed.length) out.push(t("analysis.change.removed", {what: label, list: removed.join(", ")}));
  return out;
}
/** What a version changed from the one before it, as short phrases. */
export function changes(before, after) {
  if (!before) return [t("analysis.change.first")];
  const out = [];
  if (before.channel !== after.channel) out.push(t("analysis.change.channel", {from: channelColour(before.channel), to: channelColour(after.channel)}));
  out.push(...listChange(t("analysis.what.containers"), before.containers, after.containers));
  out.push(...listChange(t("analysis.what.seals"), before.seals, after.seals));
  out.push(...listChange(t("analysis.what.plates"), before.plates.map(plate), after.plates.map(plate)));
  const lines = g => Object.fromEntries(g.map(x => [x.hsCode, x]));
  const b = lines(before.goods), a = lines(after.goods);
  for (const code of Object.keys(a)) {
    if (!b[code]) out.push(t("analysis.change.goodsAdded", {code, what: a[code].description || ""}));
    else if (b[code].quantity !== a[code].quantity || b[code].unit !== a[code].unit) {
      out.push(t("analysis.change.quantity", {code, from: quantity(b[code].quantity, b[code].unit), to: quantity(a[code].quantity, a[code].unit)}));
    }
  }
  for (const code of Object.keys(b)) if (!a[code]) out.push(t("analysis.change.goodsRemoved", {code}));
  if (!same(before.trader, after.trader)) out.push(t("analysis.change.trader"));
  if (!same(before.transit, after.transit)) out.push(t("analysis.change.transit"));
  if (before.status !== after.status && after.status === "cancelled") out.push(t("analysis.change.cancelled", {reason: after.cancelReason || "–"}));
  if (before.ucr !== after.ucr) out.push(t("analysis.change.ucr", {from: before.ucr || "–", to: after.ucr || "–"}));
  return out.length ? out : [t("analysis.change.other")];
}

/** Every risk assessment of a declaration, newest first: risk.assessment events since it was first received. */
async function riskHistory(declaration, since) {
  const q = new URLSearchParams({kind: "risk.assessment", order: "desc", limit: "1000"});
  if (since) q.set("since", since);
  let out = [], cursor = null, pages = 0;
  do {
    if (cursor) q.set("cursor", cursor);
    const r = await json(`/api/v1/events?${q}`);
    out = out.concat(r.events.filter(e => (e.subject || {}).declaration === declaration));
    cursor = r.next;
  } while (cursor && ++pages < 10);
  return {list: out, complete: !cursor};
}

function transitWords(d, tr) {
  const x = d.transit;
  const base = t("analysis.transitSentence", {origin: x.origin, destination: x.destination, start: when(x.start), end: when(x.end),
    buffer: metres(tr ? tr.bufferM : x.bufferM), seals: d.seals.join(", ") || "–"});
  const state = tr ? t("analysis.transitWatched", {status: transits.statusText(tr),
    positions: tn("analysis.positionsOnMap", tr.track.length, {n: number(tr.track.length)}),
    deviations: tn("transits.deviations", tr.deviations || 0, {n: number(tr.deviations || 0)})})
    : t("analysis.transitNotWatched");
  return `${base} ${state}`;
}

/** Puts the page's one map under the declaration and draws its transit (corridor, track, position). */
function showTransit(d, watched, slot) {
  const section = document.getElementById("transit-section");
  if (!d.transit || !slot) { document.getElementById("map-home").appendChild(section); return; }
  const corridor = watched ? watched.corridor : d.transit.corridor;
  slot.appendChild(section);
  document.getElementById("transit-words").textContent = transitWords(d, watched)
    + (corridor ? "" : " " + t("analysis.transitRoute", {route: d.transit.route || "–"}));
  const map = document.getElementById("transit-map");
  map.hidden = !corridor;
  if (!corridor) return;
  const tr = watched || {declaration: d.number, seal: d.seals.join(", "), origin: d.transit.origin, destination: d.transit.destination,
    corridor, bufferM: d.transit.bufferM || 500, track: [], status: "on-route", deviations: 0};
  transits.setTiles(siteSettings().mapTiles);
  transits.refit();
  transits.draw([tr]);
}

function linkedEvents(detail) {
  if (!detail.events.length) return `<p class="muted">${esc(t("analysis.noLinks"))}</p>`;
  const sorted = [...detail.events].sort((a, b) => (a.event.observedAt < b.event.observedAt ? 1 : -1));
  return `<table class="compact links"><thead><tr><th>${esc(t("analysis.col.when"))}</th><th>${esc(t("analysis.col.what"))}</th>
    <th>${esc(t("analysis.why"))}</th></tr></thead><tbody>${sorted.map(x => {
      const e = x.event;
      const what = e.kind === "gate.passage"
        ? `<a href="#passage/${esc(e.id)}">${esc(t("analysis.passageAtLane", {lane: e.lane || "–"}))}</a>: ${esc(describe(e))}`
        : `<b>${esc(kindName(e.kind))}</b>: ${esc(describe(e))}`;
      return `<tr data-kind="${esc(e.kind)}"><td>${esc(when(e.observedAt))}</td><td>${what}</td>
        <td>${esc(linkWords(x.links.filter(l => l.declaration === detail.declaration.number), e))}</td></tr>`;
    }).join("")}</tbody></table>`;
}

/** Partner administrations' verified packages linked to the declaration, one sentence each. */
function partnerInspections(detail) {
  const received = detail.events.map(x => x.event).filter(e => e.kind === "package.received");
  if (!received.length) return "";
  return `<section class="panel wide partner-inspections"><h3>${esc(t("analysis.partnerTitle"))}</h3>
    ${received.map(e => `<p class="sentence" data-package="${esc((e.data || {}).packageSHA256 || "")}">${esc(partnerSentence(e))}</p>`).join("")}</section>`;
}

function historyTable(h) {
  if (!h.list.length) return `<p class="muted">${esc(t("analysis.noRisk"))}</p>`;
  return `<table class="compact history"><thead><tr><th>${esc(t("analysis.col.when"))}</th><th>${esc(t("analysis.col.assessed"))}</th>
    <th>${esc(t("analysis.signals"))}</th></tr></thead><tbody>${h.list.map(r => {
      const d = r.data || {};
      return `<tr><td>${esc(when(r.observedAt))}</td><td>${riskChip(d)} <span class="muted">· ${esc(t("analysis.versionShort", {n: number(d.declarationVersion)}))}</span></td>
        <td>${esc((d.signals || []).map(s => tn("analysis.signalPoints", Math.abs(s.points), {signal: signalName(s.signal), points: points(s.points)})).join("; ") || t("analysis.noSignals"))}</td></tr>`;
    }).join("")}</tbody></table>${h.complete ? "" : `<p class="muted">${esc(t("analysis.historyPartial"))}</p>`}`;
}

/** The declaration's page. */
export async function show(wanted, into) {
  const n = encodeURIComponent(wanted);
  const detail = await json(`/api/v1/declarations/${n}/detail`);
  const [versions, watching] = await Promise.all([
    json(`/api/v1/declarations/${n}/versions`).then(r => r.versions).catch(() => [detail.declaration]),
    json("/api/v1/transits").then(r => r.transits).catch(() => []),
  ]);
  const history = await riskHistory(wanted, versions[0] && versions[0].receivedAt).catch(() => ({list: detail.risk ? [detail.risk.event] : [], complete: false}));
  const d = detail.declaration;
  const known = new Map(detail.events.map(x => [x.event.id, x.event]));
  const watched = watching.find(x => x.declaration === d.number);
  into.innerHTML = `<header class="detail-head"><h2>${esc(t("analysis.declarationTitle", {number: d.number}))} ${riskChip(detail.risk ? detail.risk.event.data : null)}</h2></header>
    <div class="detail-grid declaration-page">
      <section class="panel"><h3>${esc(t("analysis.whatDeclared"))}</h3>${declarationCard(d, {heading: false})}
        <h3>${esc(t("analysis.versions"))}</h3>
        <ol class="versions">${versions.map((v, i) => `<li><b>${esc(t("analysis.versionLine", {n: number(v.version), time: when(v.receivedAt)}))}</b>
          ${esc(changes(versions[i - 1], v).join("; "))}</li>`).join("")}</ol></section>
      <section class="panel">${riskBlock(detail.risk ? detail.risk.event : null, known, null)}
        <h3>${esc(t("analysis.riskHistory"))}</h3>${historyTable(history)}</section>
      ${partnerInspections(detail)}
      <section class="panel wide"><h3>${esc(t("analysis.linksTitle"))}</h3><p class="hint">${esc(t("analysis.linksHint"))}</p>${linkedEvents(detail)}</section>
      <div class="wide" id="transit-slot"></div>
    </div>`;
  showTransit(d, watched, d.transit ? into.querySelector("#transit-slot") : null);
  return d;
}
export { quoted };
