// The admin view: units waiting at a listener (approve or deny), devices and their profiles, the
// notification rules' delivery, access tokens, users and roles, and the audit log as sentences with filters.
import { t } from "./i18n.js";
import { json, api } from "./api.js";
import * as session from "./session.js";
import { dateTime, esc, number } from "./format.js";
import * as access from "./admin-access.js";
import * as audit from "./admin-audit.js";
import * as profiles from "./admin-profiles.js";
import * as notifications from "./admin-notifications.js";
import * as rules from "./admin-rules.js";

const $ = s => document.querySelector(s);
let timer = null;
const VERDICTS = ["refused", "quarantined"];

async function refresh() {
  if (!session.me || session.me.role !== "admin") return;
  try {
    const ad = await json("/api/v1/admission/pending");
    $("#admission-count").textContent = number(ad.pending.length);
    $("#admission-empty").hidden = ad.pending.length > 0;
    $("#admission").hidden = ad.pending.length === 0;
    $("#admission tbody").innerHTML = ad.pending.map(p =>
      `<tr data-device="${esc(p.device)}" data-unit="${esc(p.unit)}"><td>${esc(p.device)}</td><td>${esc(p.unit)}</td>
        <td>${esc(t(`verdict.${VERDICTS.includes(p.verdict) ? p.verdict : "refused"}`))}</td><td>${esc(dateTime(p.firstSeen))}</td><td>${esc(dateTime(p.lastSeen))}</td>
        <td>${esc(p.remoteAddress)}</td><td>${number(p.frames)}</td>
        <td><button class="approve primary">${esc(t("admission.approve"))}</button> <button class="deny">${esc(t("admission.deny"))}</button></td></tr>`).join("");
    await profiles.refresh();
    await access.refreshDevices(profiles.byModel());
    await notifications.refresh();
    await rules.refresh();
    const tokens = await access.refreshTokens();
    await access.refreshUsers(tokens);
    await audit.refresh(new Map(tokens.map(k => [k.id, k.label || k.owner])));
    session.updated(true);
  } catch (err) { session.updated(false, err.message); }
}

$("#admission").addEventListener("click", async ev => {
  const b = ev.target.closest("button"), tr = ev.target.closest("tr");
  if (!b || !tr) return;
  const verb = b.classList.contains("approve") ? "approve" : "deny";
  await api(`/api/v1/admission/${encodeURIComponent(tr.dataset.device)}/${encodeURIComponent(tr.dataset.unit)}/${verb}`, {method: "POST"});
  refresh();
});
access.wire(refresh);
rules.wire(refresh);
audit.wire(refresh);

session.boot({
  start: me => {
    const admin = me.role === "admin";
    $("#not-admin").hidden = admin;
    $("#admission-section").hidden = !admin;
    $("#audit-section").hidden = !admin;
    for (const id of ["#devices-section", "#profiles-section", "#notifications-section", "#tokens-section", "#users-section"]) $(id).hidden = !admin;
    audit.fillActions();
    rules.retitle();
    refresh();
    timer = setInterval(refresh, 3000);
  },
  stop: () => clearInterval(timer),
  redraw: () => { audit.fillActions(); rules.retitle(); refresh(); },
});
