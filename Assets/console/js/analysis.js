// The analyst workspace (/analysis): search, then a passage's or a declaration's page. The address
// says what is shown (#passages?plate=…, #passage/<id>, #declaration/<number>, #measurement/<event id>,
// #time-release?from=…), so Back and a
// bookmarked link work; every datum comes from the API with the analyst's session.
import { t } from "./i18n.js";
import * as session from "./session.js";
import * as search from "./analysis-search.js";
import * as passage from "./analysis-passage.js";
import * as declaration from "./analysis-declaration.js";
import * as measurement from "./analysis-measurement.js";
import * as review from "./analysis-review.js";
import * as timeRelease from "./analysis-timerelease.js";

const $ = s => document.querySelector(s);
const ALLOWED = ["analyst", "admin"];
let lastSearch = "#passages";
// Each route() takes a turn; one overtaken by a newer one (the address changed, or the user logged in on a
// page already loading) leaves the screen and its status to the newer one.
let turn = 0;

function go(hash) {
  if (location.hash === hash) route(); else location.hash = hash;
}

function view(name) {
  $("#search-view").hidden = name !== "search";
  $("#detail-view").hidden = name !== "detail";
  $("#review-view").hidden = name !== "review";
  $("#time-release-view").hidden = name !== "time-release";
  const onReview = name === "review" || location.hash.startsWith("#review/");
  const tab = name === "time-release" ? "time-release" : onReview ? "review" : "search";
  document.querySelectorAll("#subnav a").forEach(a => a.classList.toggle("current", a.dataset.view === tab));
}

async function route() {
  if (!session.me || !ALLOWED.includes(session.me.role)) return;
  const hash = location.hash.slice(1) || "passages";
  const [path, query] = hash.split("?");
  const [what, ...rest] = path.split("/");
  const id = decodeURIComponent(rest.join("/"));
  document.body.dataset.view = what;
  const mine = ++turn, overtaken = () => mine !== turn;
  try {
    if (search.TABS.includes(what)) {
      lastSearch = "#" + hash;
      view("search");
      await search.show(what, new URLSearchParams(query || ""));
    } else if (what === "passage" && id) {
      view("detail");
      $("#detail").innerHTML = `<p class="muted">${t("analysis.loading")}</p>`;
      await passage.show(id, $("#detail"));
    } else if (what === "declaration" && id) {
      view("detail");
      $("#detail").innerHTML = `<p class="muted">${t("analysis.loading")}</p>`;
      await declaration.show(id, $("#detail"));
    } else if (what === "review" && !id) {
      view("review");
      await review.showQueue(new URLSearchParams(query || ""), $("#review-view"));
    } else if (what === "review" && id) {
      view("detail");
      $("#back-to-search").dataset.to = "#review";
      $("#detail").innerHTML = `<p class="muted">${t("analysis.loading")}</p>`;
      await review.showScan(id, $("#detail"), overtaken);
    } else if (what === "time-release" && !id) {
      view("time-release");
      await timeRelease.show(new URLSearchParams(query || ""), $("#time-release-view"));
    } else if (what === "measurement" && id) {
      view("detail");
      $("#detail").innerHTML = `<p class="muted">${t("analysis.loading")}</p>`;
      await measurement.show(id, $("#detail"));
    } else {
      go("#passages");
      return;
    }
    if (overtaken()) return;
    if (what !== "review") delete $("#back-to-search").dataset.to;
    $("#back-to-search").textContent = t(what === "review" && id ? "review.back" : "analysis.back");
    document.body.dataset.shown = hash;
    window.scrollTo(0, 0);
    session.updated(true);
  } catch (err) {
    if (overtaken()) return;
    const missing = /: 404$/.test(err.message);
    const none = {declaration: "analysis.noSuchDeclaration", measurement: "measurement.none", review: "review.noSuchScan"}[what] || "analysis.noSuchPassage";
    (what === "review" && !id ? $("#review-view") : what === "time-release" ? $("#time-release-view") : $("#detail")).textContent = missing ? t(none) : t("analysis.failed", {reason: err.message});
    session.updated(!missing ? false : true, err.message);
  }
}

search.wire(go);
$("#back-to-search").addEventListener("click", ev => { ev.preventDefault(); go(ev.target.dataset.to || lastSearch); });
window.addEventListener("hashchange", route);

session.boot({
  start: me => {
    const allowed = ALLOWED.includes(me.role);
    $("#not-analyst").hidden = allowed;
    $("#search-view").hidden = !allowed;
    $("#detail-view").hidden = true;
    $("#subnav").hidden = !allowed;
    if (allowed) route();
  },
  stop: () => { $("#detail").innerHTML = ""; },
  redraw: route,
});
