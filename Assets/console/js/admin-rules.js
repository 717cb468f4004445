// The notification rules in force, each as sentences (what it takes, when, to whom, escalation), and
// the form that adds or changes one: fields in the site file's terms, sent as the site file writes a
// rule. The hub checks the rule as it checks the site file; a refusal names the field, in the reader's
// language, with the hub's own words beneath. Saved rules replace the site file's for every hub on the
// store from the next event on; each change is in the audit log.
import { t, tn } from "./i18n.js";
import { json, post } from "./api.js";
import { dateTime, esc, number } from "./format.js";

const $ = s => document.querySelector(s);
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
let set = {version: 0, rules: []};

const list = xs => (xs || []).join(", ");
const words = s => (s || "").split(/[\s,]+/).map(x => x.trim()).filter(Boolean);
const minutes = s => number(s / 60, 1);

/** "Mon, Tue 22:00–06:00"; every day when no days are named. */
function windowText(w) {
  const every = !w.days || !w.days.length || DAYS.every(d => w.days.includes(d));
  const days = every ? t("rules.everyDay") : w.days.map(d => t(`rules.day.${d}`)).join(", ");
  return t("rules.window", {days, from: w.from, to: w.to});
}
const hoursText = hs => hs.map(windowText).join("; ");

function recipientText(r) {
  if (r.email) return t("rules.email", {address: r.email, language: t(`rules.language.${r.language === "en" ? "en" : "vi"}`)});
  return t("rules.webhook", {url: r.webhook, secret: r.secretEnv ? t("rules.secretEnv", {name: r.secretEnv}) : t("rules.secretFile", {file: r.secretFile || ""})});
}

/** A rule in sentences. */
export function describe(r) {
  const m = r.match || {};
  const what = [m.kinds ? t("rules.takesKinds", {kinds: list(m.kinds)}) : t("rules.takesAll"),
    m.severities ? t("rules.ofSeverity", {severities: list(m.severities.map(s => t(`rules.severity.${s}`)))}) : "",
    m.lanes ? t("rules.onLanes", {lanes: list(m.lanes)}) : "", m.devices ? t("rules.fromDevices", {devices: list(m.devices)}) : "",
    m.sites ? t("rules.atSites", {sites: list(m.sites)}) : "", m.channels ? t("rules.inChannels", {channels: list(m.channels)}) : ""]
    .filter(Boolean).join(" ");
  const out = [t("rules.sentence.takes", {what}),
    r.hours ? t("rules.sentence.hours", {hours: hoursText(r.hours)}) : t("rules.sentence.anyHour"),
    t("rules.sentence.to", {to: list(r.notify.map(recipientText))}),
    r.foldS > 0 ? t("rules.sentence.fold", {min: minutes(r.foldS)}) : t("rules.sentence.noFold")];
  for (const s of r.escalate || []) {
    const when = s.hours == null ? t("rules.stepRuleHours") : s.hours.length ? t("rules.stepHours", {hours: hoursText(s.hours)}) : t("rules.stepAnyHour");
    out.push(t("rules.sentence.step", {min: minutes(s.afterS), to: list(s.notify.map(recipientText)), when}));
  }
  return out.join(" ");
}

export async function refresh() {
  set = await json("/api/v1/notification-rules");
  $("#rules-source").textContent = set.source === "edited"
    ? tn("rules.sourceEdited", set.rules.length, {who: set.editedBy, at: dateTime(set.editedAt), n: number(set.rules.length)})
    : tn("rules.sourceSite", set.rules.length, {n: number(set.rules.length)});
  $("#notification-rules tbody").innerHTML = set.rules.map(r => `<tr data-rule="${esc(r.name)}" class="${r.enabled ? "" : "muted"}">
    <td><b>${esc(r.name)}</b></td><td>${esc(describe(r))}</td><td>${esc(t(r.enabled ? "rules.on" : "rules.off"))}</td>
    <td><button class="edit">${esc(t("rules.edit"))}</button> <button class="toggle">${esc(t(r.enabled ? "rules.turnOff" : "rules.turnOn"))}</button>
    <button class="delete">${esc(t("rules.delete"))}</button></td></tr>`).join("");
}

// The form's texts, both ways: "mon tue 22:00-06:00; 06:00-14:00", "op@gate.example vi",
// "https://hooks.example/n secretEnv:HOOK_KEY", "10: chief@gate.example en, duty@gate.example vi".
const hoursOut = hs => (hs || []).map(w => [...(w.days || []), `${w.from}-${w.to}`].join(" ")).join("; ");
function hoursIn(text) {
  return text.split(";").map(x => x.trim()).filter(Boolean).map(part => {
    const span = /(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})/.exec(part) || [];
    const days = words(part.replace(span[0] || "", "")).map(d => d.toLowerCase());
    return Object.assign(days.length ? {days} : {}, {from: span[1] || part, to: span[2] || ""});
  });
}
const recipientOut = r => r.email ? `${r.email} ${r.language || "vi"}`
  : [r.webhook, r.secretEnv ? `secretEnv:${r.secretEnv}` : `secretFile:${r.secretFile || ""}`, r.caFile ? `caFile:${r.caFile}` : ""].filter(Boolean).join(" ");
function recipientIn(text) {
  const [first, ...rest] = words(text);
  if (!/^https?:/i.test(first || "")) return {email: first || "", language: rest[0] || "vi"};
  const r = {webhook: first};
  for (const x of rest) { const m = /^(secretEnv|secretFile|caFile):(.*)$/.exec(x); if (m) r[m[1]] = m[2]; }
  return r;
}
const lines = s => s.split("\n").map(x => x.trim()).filter(Boolean);
// A step: "10: chief@gate.example en", then its own hours after "|" ("| sat sun 08:00-12:00"; "| *" at any
// hour); without "|" it keeps to the rule's hours.
const stepOut = s => `${Math.round(s.afterS / 6) / 10}: ${s.notify.map(recipientOut).join(", ")}`
  + (s.hours == null ? "" : ` | ${s.hours.length ? hoursOut(s.hours) : "*"}`);
function stepIn(line) {
  const [head, when] = line.split("|");
  const m = /^([\d.]+)\s*:?\s*(.*)$/.exec(head.trim()) || [];
  const step = {afterS: Number(m[1]) * 60, notify: (m[2] || "").split(",").map(x => x.trim()).filter(Boolean).map(recipientIn)};
  if (when != null) step.hours = when.trim() === "*" || !when.trim() ? [] : hoursIn(when);
  return step;
}

function fill(r) {
  const f = $("#rule-form"), m = r.match || {};
  f.editing.value = r.name || "";
  f.name.value = r.name || "";
  f.enabled.checked = r.enabled !== false;
  for (const k of ["kinds", "severities", "lanes", "devices", "channels"]) f[k].value = list(m[k]);
  f.hours.value = hoursOut(r.hours);
  f.fold.value = r.foldS == null ? 5 : Math.round(r.foldS / 6) / 10;
  f.notify.value = (r.notify || []).map(recipientOut).join("\n");
  f.escalate.value = (r.escalate || []).map(stepOut).join("\n");
  retitle();
}

/** The form's heading and the newest outcome in the page's language: the rule being changed, or a new one. */
export function retitle() {
  const editing = $("#rule-form").editing.value;
  $("#rule-form-title").textContent = editing ? t("rules.editing", {name: editing}) : t("rules.adding");
  if (said) say(said.key, said.vars, said.ok, said.detail);
}

/** The form as a rule in the site file's words. */
function read() {
  const f = $("#rule-form");
  const match = {};
  for (const k of ["kinds", "severities", "lanes", "devices", "channels"]) if (words(f[k].value).length) match[k] = words(f[k].value);
  const rule = {name: f.name.value.trim(), enabled: f.enabled.checked, foldS: Number(f.fold.value || 0) * 60,
    notify: lines(f.notify.value).map(recipientIn)};
  if (Object.keys(match).length) rule.match = match;
  if (f.hours.value.trim()) rule.hours = hoursIn(f.hours.value);
  const steps = lines(f.escalate.value).map(stepIn);
  if (steps.length) rule.escalate = steps;
  return rule;
}

// The newest outcome, kept as catalog key and values so a change of language says it again.
let said = null;

function say(key, vars, ok, detail) {
  said = key ? {key, vars, ok, detail} : null;
  const el = $("#rule-result");
  el.className = ok ? "ok" : "error";
  el.innerHTML = said ? esc(t(key, vars)) + (detail ? `<div class="muted detail">${esc(detail)}</div>` : "") : "";
}

/** Sends a change; answers whether it was taken, saying so either way. */
async function send(path, body, done, name) {
  const r = await post(path, Object.assign({version: set.version}, body));
  const answer = await r.json().catch(() => ({}));
  if (r.ok) {
    say(done, {name}, true);
  } else if (r.status === 409 && answer.field === "version") {
    say("rules.stale", {}, false, answer.error);
  } else {
    say(answer.field ? "rules.refusedField" : "rules.refused", {field: answer.field}, false, answer.error || String(r.status));
  }
  await refresh();
  return r.ok;
}

export function wire(refreshAll) {
  $("#rule-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    const f = ev.target, rule = read(), editing = f.editing.value;
    const path = editing ? `/api/v1/notification-rules/${encodeURIComponent(editing)}` : "/api/v1/notification-rules";
    if (await send(path, {rule}, editing ? "rules.changed" : "rules.added", rule.name)) { fill({}); refreshAll(); }
  });
  $("#rule-new").addEventListener("click", () => { fill({}); say(null); });
  $("#notification-rules").addEventListener("click", async ev => {
    const b = ev.target.closest("button"), tr = ev.target.closest("tr");
    if (!b || !tr) return;
    const rule = set.rules.find(r => r.name === tr.dataset.rule);
    if (!rule) return;
    const path = `/api/v1/notification-rules/${encodeURIComponent(rule.name)}`;
    if (b.classList.contains("edit")) { fill(rule); $("#rule-form").name.focus(); return; }
    if (b.classList.contains("toggle")) {
      const changed = Object.assign({}, rule, {enabled: !rule.enabled});
      await send(path, {rule: changed}, changed.enabled ? "rules.turnedOn" : "rules.turnedOff", rule.name);
    } else if (b.classList.contains("delete")) {
      await send(`${path}/delete`, {}, "rules.deleted", rule.name);
    }
    refreshAll();
  });
}
