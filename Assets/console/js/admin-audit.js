// The audit log as sentences ("admin revoked token “gate-2 camera” at 14:03, 5 Dec"), filtered by
// action, person and a time range typed in the site's time zone (sent to the API in UTC), page by
// page (`next` is the cursor of the older page). Alarms are named by what they were, not their ids.
import { t, locale } from "./i18n.js";
import { json } from "./api.js";
import { esc, number, timeZone } from "./format.js";
import { headline } from "./words.js";
import { readTime } from "./day-field.js";

const $ = s => document.querySelector(s);
/** The actions the hub writes, in the order the filter offers them. */
export const ACTIONS = ["login", "login.failed", "login.throttled", "logout", "token.create", "token.revoke", "user.create",
  "alarm.acknowledge", "alarm.adjudicate", "passage.resolve", "admission.held", "admission.approve", "admission.deny",
  "declaration.post", "declaration.bulk", "declaration.cancel", "scan.post", "blob.post", "review.claim", "review.release", "review.verdict", "forward.receive", "forward.status", "forward.image", "retention.purge",
  "notification.rule.add", "notification.rule.change", "notification.rule.delete", "access.refused"];
const ROLES = ["operator", "analyst", "supervisor", "admin", "gate"];
const CODES = {real: "real", norm: "norm", false: "false", test: "test", "tamper-fault": "fault"};
const SECONDARY = ["none", "requested", "completed"];
const VERDICTS = ["refused", "quarantined"];
const SYSTEM = ["hub", "retention", "anonymous"];
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

let filter = {action: "", actor: "", since: "", until: ""};
let pages = [];        // cursors of the pages before this one (the newest first page has none)
let cursor = null;     // this page's cursor
let next = null;       // the older page's
const alarms = new Map(); // event id → the event (or null: not found); events never change

/** The instant a wall-clock time `local` ("2026-12-05T14:03") names in the IANA zone `zone`, as RFC 3339 UTC. */
export function zonedToUTC(local, zone) {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(local || "");
  if (!m) return null;
  const wall = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  // The zone's offset at an instant: its wall clock there minus the instant.
  const offset = at => {
    const p = Object.fromEntries(new Intl.DateTimeFormat("en-US", {timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit",
      day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit"}).formatToParts(new Date(at)).map(x => [x.type, x.value]));
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour % 24, +p.minute, +p.second) - at;
  };
  let at = wall - offset(wall);
  at = wall - offset(at); // again at the instant found, in case a change of offset lies between
  return new Date(at).toISOString();
}

/** "14:03, 5 Dec" in the site's zone and the page's language. */
export function when(iso) {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return "–";
  const z = {timeZone: timeZone()};
  const time = new Intl.DateTimeFormat(locale(), {...z, hour: "2-digit", minute: "2-digit", hour12: false}).format(d);
  const day = new Intl.DateTimeFormat(locale(), {...z, day: "numeric", month: "short"}).format(d);
  return t("audit.when", {time, day});
}

const quote = s => t("audit.quoted", {text: s});
const roleName = r => t(`role.${ROLES.includes(r) ? r : "other"}`);
const from = detail => (/from (\S+)/.exec(detail || "") || [])[1];

async function alarmNames(entries) {
  const ids = [...new Set(entries.filter(e => e.action.startsWith("alarm.") && ULID.test(e.target || "")).map(e => e.target))]
    .filter(id => !alarms.has(id));
  await Promise.all(ids.map(async id => {
    try { alarms.set(id, await json(`/api/v1/events/${encodeURIComponent(id)}`)); } catch (err) { alarms.set(id, null); }
  }));
}

/** The alarm an entry names: "the gamma alarm on lane 1 (14:02, 5 Dec)". */
function alarmName(id) {
  const e = alarms.get(id);
  if (!e) return t("audit.anAlarm");
  const lane = e.lane ? t("audit.onLane", {lane: e.lane}) : "";
  const what = headline(e).toLocaleLowerCase(locale());
  // The console settles a portal's alarm and its vehicle's occupancy together: tell the two apart.
  return t(e.kind === "radiation.occupancy" ? "audit.occupancy" : "audit.alarm", {what, lane, at: when(e.observedAt)});
}

/** One entry in words. `tokens` maps a token's id to its label. */
export function sentence(a, tokens) {
  const d = a.detail || "", target = a.target || "";
  // The hub's own entries (first start, units held, retention) and refused strangers, in words.
  const actor = SYSTEM.includes(a.actor) ? t(`audit.actor.${a.actor}`) : a.actor;
  const v = {actor, role: roleName(a.role), from: from(d) || t("audit.unknownPlace")};
  switch (a.action) {
    case "login": case "logout": return t(`audit.s.${a.action}`, v);
    case "login.failed": case "login.throttled": return t(`audit.s.${a.action}`, v);
    case "token.create": case "token.revoke": {
      const r = /role (\w+)/.exec(d);
      return t(`audit.s.${a.action}`, {...v, token: quote(tokens.get(target) || t("audit.aToken")), tokenRole: r ? roleName(r[1]) : ""});
    }
    case "user.create": {
      const r = /role (\w+)/.exec(d);
      return r ? t("audit.s.user.create", {...v, user: target, userRole: roleName(r[1])})
        : d === "first start" ? t("audit.s.user.firstStart", {...v, user: target}) : t("audit.s.user.createdNoRole", {...v, user: target});
    }
    case "alarm.acknowledge": {
      const again = /already acknowledged by (\S+)/.exec(d);
      return again ? t("audit.s.alarm.acknowledgeAgain", {...v, alarm: alarmName(target), by: again[1]})
        : t("audit.s.alarm.acknowledge", {...v, alarm: alarmName(target)});
    }
    case "alarm.adjudicate": {
      const code = (/code ([\w-]+)/.exec(d) || [])[1], secondary = (/secondary (\w+)/.exec(d) || [])[1];
      const codeText = CODES[code] ? t(`code.${CODES[code]}`) : t("audit.noCode");
      const second = SECONDARY.includes(secondary) ? t(`secondary.${secondary}`).toLocaleLowerCase(locale()) : "";
      return t("audit.s.alarm.adjudicate", {...v, alarm: alarmName(target), code: codeText, secondary: second});
    }
    case "admission.held": case "admission.approve": case "admission.deny": {
      const [device, unit] = target.split("/");
      const verdict = (/^(\w+)/.exec(d) || [])[1];
      return t(`audit.s.${a.action}`, {...v, device, unit, verdict: t(`verdict.${VERDICTS.includes(verdict) ? verdict : "refused"}`)});
    }
    case "declaration.post": case "declaration.bulk":
      return t(`audit.s.${a.action}`, {...v, number: /^\/api\//.test(target) ? "" : target});
    case "declaration.cancel": return t("audit.s.declaration.cancel", {...v, number: target, reason: d ? quote(d) : ""});
    case "scan.post": return t("audit.s.scan.post", {...v, scan: (/^scan (.+)$/.exec(d) || [])[1] || ""});
    case "blob.post": case "forward.image": return t(`audit.s.${a.action}`, {...v, bytes: number(Number((/^(\d+) bytes/.exec(d) || [])[1]))});
    case "forward.receive": {
      const m = /events (\d+)-(\d+): (\d+) stored, (\d+) already/.exec(d) || [];
      return t("audit.s.forward.receive", {...v, source: target, stored: number(m[3]), already: number(m[4])});
    }
    case "forward.status":
      return t("audit.s.forward.status", {...v, source: target, backlog: number(Number((/^backlog (\d+)/.exec(d) || [])[1]))});
    case "review.claim": case "review.release": case "review.verdict": {
      // The hub writes "scan <scanner's id>[, verdict <clear|suspect|inspect>][, second|recheck][, joined]".
      const scan = (/scan ([^,]+)/.exec(d) || [])[1] || "–", verdict = (/verdict (\w+)/.exec(d) || [])[1];
      const key = a.action === "review.verdict" && /\bsecond\b/.test(d) ? "review.verdictSecond" : a.action === "review.claim" && /joined/.test(d) ? "review.join" : a.action;
      return t(`audit.s.${key}`, {...v, scan, verdict: ["clear", "suspect", "inspect"].includes(verdict) ? t(`review.verdict.${verdict}`) : "–"});
    }
    case "passage.resolve": return t("audit.s.passage.resolve", v);
    case "retention.purge": return t("audit.s.retention.purge", v);
    case "notification.rule.add": case "notification.rule.delete": return t(`audit.s.${a.action}`, {...v, rule: target});
    case "notification.rule.change": {
      // The hub writes "before: {rule}; after: {rule}", each rule as the site file writes it.
      const [, before, after] = /^before: (.*); after: (.*)$/.exec(d) || [];
      const on = s => { try { return JSON.parse(s).enabled !== false; } catch (err) { return null; } };
      const key = on(before) === true && on(after) === false ? "turnOff" : on(before) === false && on(after) === true ? "turnOn" : "change";
      return t(`audit.s.notification.rule.${key}`, {...v, rule: target});
    }
    case "access.refused": return t("audit.s.access.refused", {...v, route: target});
    default: return t("audit.s.other", {...v, action: a.action});
  }
}

export async function refresh(tokens) {
  const q = new URLSearchParams({limit: "25"});
  for (const k of ["action", "actor", "since", "until"]) if (filter[k]) q.set(k, filter[k]);
  if (cursor) q.set("cursor", cursor);
  const page = await json("/api/v1/audit?" + q);
  next = page.next || null;
  await alarmNames(page.entries);
  $("#audit").innerHTML = page.entries.map(a => `<li data-action="${esc(a.action)}" data-actor="${esc(a.actor)}">
      <time datetime="${esc(a.at)}">${esc(when(a.at))}</time> <span class="sentence">${esc(sentence(a, tokens))}</span></li>`).join("");
  $("#audit-empty").hidden = page.entries.length > 0;
  $("#audit-older").disabled = !next;
  $("#audit-newer").disabled = pages.length === 0;
  $("#audit-page").textContent = t("audit.page", {n: number(pages.length + 1)});
}

/** The action filter's choices, in the page's language. */
export function fillActions() {
  const select = $("#audit-filter select[name=action]"), kept = select.value;
  select.innerHTML = `<option value="">${esc(t("audit.anyAction"))}</option>` +
    ACTIONS.map(a => `<option value="${esc(a)}">${esc(t(`audit.a.${a}`))}</option>`).join("");
  select.value = kept;
}

export function wire(redraw) {
  // A time refused as unreadable is marked until it is typed again (a marked field holds the form back).
  for (const name of ["since", "until"]) $("#audit-filter").elements[name].addEventListener("input", ev => ev.target.setCustomValidity(""));
  $("#audit-filter").addEventListener("submit", ev => {
    ev.preventDefault();
    const f = ev.target, zone = timeZone();
    // Typed as the console's language writes a time (05/12/2026 07:10), in the site's zone; a field it cannot
    // read is marked with an example and nothing is asked.
    const from = readTime(f.since), to = readTime(f.until);
    if (from === null || to === null) return;
    const since = from ? zonedToUTC(from, zone) : "", until = to ? zonedToUTC(to, zone) : "";
    if (since && until && until <= since) {
      $("#audit-error").textContent = t("audit.badRange");
      return;
    }
    $("#audit-error").textContent = "";
    filter = {action: f.action.value, actor: f.actor.value.trim(), since: since || "", until: until || ""};
    pages = [];
    cursor = null;
    redraw();
  });
  $("#audit-older").addEventListener("click", () => {
    if (!next) return;
    pages.push(cursor);
    cursor = next;
    redraw();
  });
  $("#audit-newer").addEventListener("click", () => {
    if (!pages.length) return;
    cursor = pages.pop();
    redraw();
  });
}
