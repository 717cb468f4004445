// Shared by the operator and admin pages: who is logged in, the login form, the header (language,
// clock, views), and the site's settings (time zone, map tiles) from /api/v1/config.
import * as i18n from "./i18n.js";
import { t } from "./i18n.js";
import { api, json, whenLoggedOut } from "./api.js";
import { setTimeZone, time, timeZone } from "./format.js";

export let me = null;
let onStart = () => {}, onStop = () => {}, settings = {};
const $ = s => document.querySelector(s);

export function siteSettings() { return settings; }

function clock() {
  const c = $("#clock");
  if (!c) return;
  const parts = new Intl.DateTimeFormat("en-GB", {timeZone: timeZone(), timeZoneName: "shortOffset"}).formatToParts(new Date());
  c.textContent = t("header.clock", {time: time(new Date()), zone: (parts.find(p => p.type === "timeZoneName") || {}).value || timeZone()});
  c.title = timeZone();
}

async function begin(who) {
  me = who;
  await i18n.start(me.name);
  settings = await json("/api/v1/config").catch(() => ({}));
  if (settings.timeZone) setTimeZone(settings.timeZone);
  $("#login").hidden = true; $("#board").hidden = false; $("#logout").hidden = false;
  $("#who").textContent = t("header.who", {user: me.name, role: t(`role.${["operator", "analyst", "supervisor", "admin"].includes(me.role) ? me.role : "other"}`)});
  const admin = $("#nav-admin");
  if (admin) admin.hidden = me.role !== "admin";
  const analysis = $("#nav-analysis");
  if (analysis) analysis.hidden = !["analyst", "admin"].includes(me.role);
  clock();
  onStart(me);
}

export function showLogin() {
  const was = me;
  me = null;
  i18n.forgetUser();
  $("#login-user").value = ""; $("#login-password").value = "";
  $("#login").hidden = false; $("#board").hidden = true; $("#logout").hidden = true; $("#who").textContent = "";
  if (was) onStop();
  $("#login-user").focus();
}

/** Wires the page: `start(me)` once logged in, `stop()` on logging out; `redraw()` after a language change. */
export async function boot({start, stop, redraw}) {
  onStart = start; onStop = stop;
  whenLoggedOut(showLogin);
  await i18n.start(null);
  document.querySelectorAll("[data-lang]").forEach(b => b.addEventListener("click", () => i18n.choose(b.dataset.lang)));
  document.addEventListener("niihub:language", () => {
    if (me) $("#who").textContent = t("header.who", {user: me.name, role: t(`role.${["operator", "analyst", "supervisor", "admin"].includes(me.role) ? me.role : "other"}`)});
    clock();
    redraw();
  });
  setInterval(clock, 1000);
  $("#login").addEventListener("submit", async ev => {
    ev.preventDefault();
    document.dispatchEvent(new CustomEvent("niihub:gesture"));
    const r = await fetch("/api/v1/login", {method: "POST", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({user: $("#login-user").value, password: $("#login-password").value})});
    if (!r.ok) { $("#login-error").textContent = t(r.status === 429 ? "auth.throttled" : "auth.wrong"); return; }
    const s = await r.json();
    $("#login-error").textContent = "";
    $("#login-password").value = "";
    begin({name: s.user, role: s.role});
  });
  $("#logout").addEventListener("click", async () => { await fetch("/api/v1/logout", {method: "POST"}); showLogin(); });
  const w = await fetch("/api/v1/whoami").then(r => (r.ok ? r.json() : null)).catch(() => null);
  if (w) begin(w); else showLogin();
}

export function updated(ok, detail) {
  const u = $("#updated");
  if (u) u.textContent = ok ? t("status.updated", {time: time(new Date())}) : t("status.unreachable", {reason: detail || ""});
  if (u) u.className = ok ? "" : "error";
}
export { api, json };
