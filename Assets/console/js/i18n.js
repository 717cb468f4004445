// The two catalogs (i18n/vi.json, i18n/en.json) and the language in use. The choice is kept per
// user in this browser (localStorage "niihub.lang.<user>"; the login screen uses the last one
// chosen here), Vietnamese unless the user picked English.
const catalogs = {};
let lang = "vi";
let user = null;

export const languages = ["vi", "en"];
export function current() { return lang; }
/** The BCP 47 locale dates and numbers are written in. */
export function locale() { return lang === "vi" ? "vi-VN" : "en-GB"; }

async function load(l) {
  if (!catalogs[l]) {
    const r = await fetch(`/assets/i18n/${l}.json`, {credentials: "same-origin"});
    catalogs[l] = await r.json();
  }
  return catalogs[l];
}

/** The text for `key` with `{name}` filled from `vars`; a missing key shows as ⟦key⟧ (tests look for it). */
export function t(key, vars) {
  let s = (catalogs[lang] || {})[key];
  if (s == null) {
    console.warn("i18n: no text for", key, "in", lang);
    return `⟦${key}⟧`;
  }
  if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (vars[k] == null ? "" : String(vars[k])));
  return s;
}

/** The text for `key` counted by `n`: `key.one` or `key.other` as the language's plural rules choose
 * (English has both; Vietnamese only `other`), or `key` itself for words that do not change. */
export function tn(key, n, vars) {
  const c = catalogs[lang] || {};
  const form = `${key}.${new Intl.PluralRules(locale()).select(Number(n))}`;
  return t(c[form] != null ? form : c[`${key}.other`] != null ? `${key}.other` : key, vars);
}

/** Fills every element marked data-i18n (text), data-i18n-title, -placeholder and -aria under `root`. */
export function apply(root = document) {
  root.querySelectorAll("[data-i18n]").forEach(el => { el.textContent = t(el.dataset.i18n); });
  root.querySelectorAll("[data-i18n-title]").forEach(el => { el.title = t(el.dataset.i18nTitle); });
  root.querySelectorAll("[data-i18n-placeholder]").forEach(el => { el.placeholder = t(el.dataset.i18nPlaceholder); });
  root.querySelectorAll("[data-i18n-aria]").forEach(el => { el.setAttribute("aria-label", t(el.dataset.i18nAria)); });
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-lang]").forEach(b => b.setAttribute("aria-pressed", String(b.dataset.lang === lang)));
}

function remembered(name) {
  return (name && localStorage.getItem("niihub.lang." + name)) || localStorage.getItem("niihub.lang") || "vi";
}

/** Loads the language `name` chose before (or the last one used in this browser) and applies it. */
export async function start(name) {
  user = name || null;
  await Promise.all(languages.map(load));
  lang = languages.includes(remembered(user)) ? remembered(user) : "vi";
  apply();
}

/** After logging out: a language chosen on the login screen is the next user's, not the last one's. */
export function forgetUser() { user = null; }

/** Switches language, remembers it for the user, and tells the page to redraw. */
export async function choose(l) {
  if (!languages.includes(l)) return;
  await load(l);
  lang = l;
  localStorage.setItem("niihub.lang", l);
  if (user) localStorage.setItem("niihub.lang." + user, l);
  apply();
  document.dispatchEvent(new CustomEvent("niihub:language", {detail: l}));
}
