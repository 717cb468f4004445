// What became of the messages each notification rule made, as the hub's outbox counts them: sent,
// failed, retrying, waiting, cancelled (an escalation its alarm's acknowledgement made unnecessary),
// outside the rule's hours, folded into an earlier message; and the newest error. The rules
// themselves are listed and edited by admin-rules.js.
import { t } from "./i18n.js";
import { json } from "./api.js";
import { esc, number } from "./format.js";

const $ = s => document.querySelector(s);
const COUNTS = ["sent", "failed", "retrying", "pending", "cancelled", "suppressed", "folded"];

export async function refresh() {
  const body = await json("/api/v1/notifications");
  $("#notifications-empty").hidden = body.rules.length > 0;
  $("#notifications").hidden = body.rules.length === 0;
  $("#notifications tbody").innerHTML = body.rules.map(r => `<tr data-rule="${esc(r.rule)}"><td><b>${esc(r.rule)}</b></td>
    ${COUNTS.map(c => `<td class="num" data-count="${c}">${number(r[c] || 0)}</td>`).join("")}
    <td>${r.lastError ? errorText(r.lastError) : `<span class="muted">${esc(t("notifications.noError"))}</span>`}</td></tr>`).join("");
}

// The newest error as a sentence in the reader's language, with the relay's or the network's own words
// beneath it for whoever fixes it.
function errorText(raw) {
  const cause = /refused/i.test(raw) ? "refused"
    : /certificate|handshake|tls|ssl/i.test(raw) ? "tls"
    : /did not finish|timed? ?out|deadline/i.test(raw) ? "timeout"
    : /answered [45]\d\d|status [45]\d\d/i.test(raw) ? "rejected" : "other";
  return `${esc(t(`notifications.error.${cause}`))}<div class="muted detail">${esc(raw)}</div>`;
}
