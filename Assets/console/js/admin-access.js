// The admin's devices, access tokens and users: each device with its profile (a link to it), link
// and counters; tokens listed (never their secrets), created (the secret shown once) and revoked;
// users listed with their roles, and created. Every word from the catalogs; addresses as they are.
import { t, tn } from "./i18n.js";
import { json, api, post } from "./api.js";
import { date, dateTime, esc, number, ago } from "./format.js";
import { deviceState, family } from "./words.js";
import { endpoint } from "./admin-profiles.js";

const $ = s => document.querySelector(s);
const ROLES = ["operator", "analyst", "supervisor", "admin", "gate"];
const roleText = r => t(`role.${ROLES.includes(r) ? r : "other"}`);

/// A device's decode counters in words: frames read and frames refused.
function counted(d) {
  const c = d.counters || {};
  const frames = Number(c.frames || 0);
  const rejected = Object.values(c.rejected || {}).reduce((s, v) => s + Number(v || 0), 0);
  return t("adminDevices.counted", {frames: number(frames), rejected: number(rejected)});
}

/** Why a device is in its state, in words: the registry's own reasons are for logs, in English. */
function reason(d) {
  if (d.state === "disabled") return t("adminDevices.reason.disabled");
  if (d.tampered) return t("devices.tampered");
  if (d.activeFaults && d.activeFaults.length) return t("devices.faults", {faults: d.activeFaults.join(", ")});
  if (d.state === "silent") return t("adminDevices.reason.silent", {s: number(d.maxSilenceS || 0)});
  // A link error from before the device came online is history, not its state now. The error is the
  // system's own text (like an address), framed in words of the page.
  if (d.state !== "online" && d.lastError) return t("adminDevices.reason.linkError", {error: d.lastError});
  return "";
}

/** Where the device is reached: the registry's `listen 127.0.0.1:17101` as words around the address. */
function where(d, profile) {
  const m = /^(listen|connect|usb) (.*)$/.exec(d.port || "");
  const mine = profile && profile.devices.find(x => x.id === d.id);
  const kind = m ? m[1] : mine && mine.endpoint ? mine.endpoint.kind : "port";
  return d.port ? endpoint(kind, m ? m[2] : d.port) : "";
}

/** Every device; `profiles` (model → profile) names each one's profile and links to it. */
export async function refreshDevices(profiles = new Map()) {
  const {devices} = await json("/api/v1/devices");
  $("#admin-devices tbody").innerHTML = devices.map(d => {
    const why = reason(d), p = profiles.get(d.profile);
    const place = [d.lane ? t("alarm.lane", {lane: d.lane}) : "", where(d, p)].filter(Boolean).join(" · ");
    return `<tr class="${esc(d.state)}" data-device="${esc(d.id)}"><td><b>${esc(d.id)}</b><br><span class="muted">${esc(family(d.family))} · ${esc(t("adminDevices.profile"))}
      <a href="#profile-${esc(d.profile)}" class="profile-link">${esc(d.profile)}</a></span></td>
      <td>${esc(place)}</td><td><span class="dot"></span> ${esc(deviceState(d.state))}${why ? `<br><span class="muted">${esc(why)}</span>` : ""}</td>
      <td>${esc(d.lastFrameAt ? ago(d.lastFrameAt) : t("devices.noFrame"))}</td>
      <td>${esc(tn("adminDevices.connects", d.connects ?? 0, {n: number(d.connects ?? 0)}))}</td><td>${esc(counted(d))}</td></tr>`;
  }).join("");
}

/** Users and their roles, with their last login (the newest login session of theirs). */
export async function refreshUsers(tokens) {
  const {users} = await json("/api/v1/users");
  const lastLogin = new Map();
  for (const k of tokens) if (k.kind === "session" && !(lastLogin.get(k.owner) > k.createdAt)) lastLogin.set(k.owner, k.createdAt);
  $("#users tbody").innerHTML = users.map(u => `<tr data-user="${esc(u.user)}"><td><b>${esc(u.user)}</b></td><td>${esc(roleText(u.role))}</td>
    <td>${esc(dateTime(u.createdAt))}</td><td>${esc(lastLogin.has(u.user) ? dateTime(lastLogin.get(u.user)) : t("users.neverLoggedIn"))}</td></tr>`).join("");
}

/** The tokens in force; returns every token (revoked and expired too), for names in the audit log. */
export async function refreshTokens() {
  const {tokens} = await json("/api/v1/tokens");
  const now = Date.now();
  const live = tokens.filter(k => !k.revokedAt && Date.parse(k.expiresAt) > now)
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
  $("#tokens-empty").hidden = live.length > 0;
  $("#tokens tbody").innerHTML = live.map(k => `<tr data-token="${esc(k.id)}">
      <td>${esc(k.label || k.owner)}<br><span class="muted">${esc(t(k.kind === "session" ? "tokens.session" : "tokens.api"))} · ${esc(t("tokens.owner", {owner: k.owner}))}</span></td>
      <td>${esc(roleText(k.role))}</td><td>${esc(dateTime(k.createdAt))}</td><td>${esc(date(k.expiresAt))}</td>
      <td><button class="revoke">${esc(t("tokens.revoke"))}</button></td></tr>`).join("");
  return tokens;
}

function say(el, text, ok) {
  el.textContent = text;
  el.className = ok ? "ok" : "error";
}

export function wire(refresh) {
  $("#token-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    const f = ev.target, body = {role: f.role.value, label: f.label.value.trim() || undefined};
    const days = Number(f.days.value);
    if (days > 0) body.lifetimeS = Math.round(days * 86400);
    if (f.role.value === "gate") body.owner = f.owner.value.trim();
    const r = await post("/api/v1/tokens", body);
    const answer = await r.json().catch(() => ({}));
    if (r.status === 201) {
      $("#token-secret").hidden = false;
      $("#token-secret code").textContent = answer.token;
      say($("#token-result"), t("tokens.created", {label: answer.info.label || answer.info.owner}), true);
      f.reset();
    } else {
      say($("#token-result"), t("tokens.refused", {reason: answer.error || r.status}), false);
    }
    refresh();
  });
  $("#tokens").addEventListener("click", async ev => {
    const b = ev.target.closest("button.revoke"), tr = ev.target.closest("tr");
    if (!b || !tr) return;
    await api(`/api/v1/tokens/${encodeURIComponent(tr.dataset.token)}/revoke`, {method: "POST"});
    refresh();
  });
  $("#user-form").addEventListener("submit", async ev => {
    ev.preventDefault();
    const f = ev.target;
    const r = await post("/api/v1/users", {user: f.user.value.trim(), role: f.role.value, password: f.password.value});
    const answer = await r.json().catch(() => ({}));
    if (r.status === 201) {
      say($("#user-result"), t("users.created", {user: answer.user, role: roleText(answer.role)}), true);
      f.reset();
    } else {
      say($("#user-result"), t("users.refused", {reason: answer.error || r.status}), false);
    }
    refresh();
  });
}
