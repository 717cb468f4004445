// Times in the site's zone and numbers in the language's locale (Intl); the API speaks UTC RFC 3339.
import { locale, t } from "./i18n.js";

let zone = undefined; // the browser's zone until the site's is known
export function setTimeZone(z) {
  try { new Intl.DateTimeFormat("en", {timeZone: z}); zone = z; } catch (e) { zone = undefined; }
}
export function timeZone() { return zone || Intl.DateTimeFormat().resolvedOptions().timeZone; }

function when(iso) {
  if (iso == null || iso === "") return null;
  const d = iso instanceof Date ? iso : new Date(iso);
  return isNaN(d.getTime()) ? null : d;
}
/** 14:05:09 */
export function time(iso) {
  const d = when(iso);
  return d ? new Intl.DateTimeFormat(locale(), {timeZone: zone, hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false}).format(d) : "–";
}
/** 04/12 14:05 (today: the time alone) */
export function dateTime(iso) {
  const d = when(iso);
  if (!d) return "–";
  const day = o => new Intl.DateTimeFormat("en-CA", {timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit"}).format(o);
  if (day(d) === day(new Date())) return time(d);
  return new Intl.DateTimeFormat(locale(), {timeZone: zone, day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false}).format(d);
}
/** 03/01/2027: a day far from today, with its year (a token's expiry) */
export function date(iso) {
  const d = when(iso);
  return d ? new Intl.DateTimeFormat(locale(), {timeZone: zone, day: "2-digit", month: "2-digit", year: "numeric"}).format(d) : "–";
}
/** "3 min ago", in words of the language */
export function ago(iso) {
  const d = when(iso);
  if (!d) return t("time.never");
  const s = Math.max(0, Math.round((Date.now() - d.getTime()) / 1000));
  const rtf = new Intl.RelativeTimeFormat(locale(), {numeric: "auto", style: "short"});
  if (s < 60) return rtf.format(-s, "second");
  if (s < 3600) return rtf.format(-Math.round(s / 60), "minute");
  if (s < 86400) return rtf.format(-Math.round(s / 3600), "hour");
  return rtf.format(-Math.round(s / 86400), "day");
}
export function number(n, digits = 0) {
  if (n == null || Number.isNaN(Number(n))) return "–";
  return new Intl.NumberFormat(locale(), {maximumFractionDigits: digits, minimumFractionDigits: 0}).format(Number(n));
}
/** 11.05443, 106.21813: five decimals is about a metre, as precise as a seal's GPS is. */
export function coords(lat, lon) {
  if (lat == null || lon == null) return "–";
  const f = new Intl.NumberFormat(locale(), {minimumFractionDigits: 5, maximumFractionDigits: 5});
  return `${f.format(lat)}; ${f.format(lon)}`;
}
export function metres(m) {
  if (m == null) return "–";
  return m >= 1000 ? t("unit.km", {n: number(m / 1000, 1)}) : t("unit.m", {n: number(m)});
}
export const esc = s => String(s ?? "").replace(/[&<>"']/g, c => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));

/** 90 s → "2 min", 7200 s → "2 h", 93,600 s → "1.1 days": a span in the coarsest unit that says it. */
export function duration(s) {
  if (s < 60) return t("unit.s", {n: number(s)});
  if (s < 3600) return t("unit.min", {n: number(s / 60)});
  if (s < 86400) return t("unit.h", {n: number(s / 3600, 1)});
  const days = Math.round(s / 8640) / 10;
  const form = new Intl.PluralRules(locale()).select(days) === "one" ? "one" : "other";
  return t(`unit.d.${form}`, {n: number(days, 1)});
}
