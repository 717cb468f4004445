// Day (and time) fields written as the console's language writes days (vi-VN and en-GB: 05/12/2026), not as the
// browser's own locale would: a native <input type="date"> follows the browser (12/05/2026 in an American
// one) whatever language the console is in. The field keeps the text; its day is yyyy-mm-dd, a day of the
// site (callers read it in the site's zone). The browser's calendar is a button away and fills the text.
import { t, locale } from "./i18n.js";
import { esc } from "./format.js";

const PARTS = ["day", "month", "year"];

/** The order the language writes a day's parts in: ["day", "month", "year"] for vi and en-GB. */
function order() {
  const parts = new Intl.DateTimeFormat(locale(), {timeZone: "UTC", day: "2-digit", month: "2-digit", year: "numeric"})
    .formatToParts(new Date(Date.UTC(2026, 11, 5)));
  return parts.map(p => p.type).filter(type => PARTS.includes(type));
}

/** 2026-12-05 → "05/12/2026" in the console's language; "" for anything else. */
export function dayText(day) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || "");
  if (!m) return "";
  return new Intl.DateTimeFormat(locale(), {timeZone: "UTC", day: "2-digit", month: "2-digit", year: "numeric"})
    .format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])));
}

/** "05/12/2026" (or 5/12/2026, 05.12.2026, 05-12-2026) in the language's order, or a pasted 2026-12-05 (the year
 *  first is never ambiguous) → "2026-12-05"; null when it is not a day of the calendar. */
export function parseDay(text) {
  const m = /^\s*(\d{1,4})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,4})\s*$/.exec(text || "");
  if (!m) return null;
  const got = {};
  const parts = m[1].length === 4 ? ["year", "month", "day"] : order();
  parts.forEach((part, i) => { got[part] = +m[i + 1]; });
  if (!(got.year >= 1000 && got.year <= 9999)) return null;
  const d = new Date(Date.UTC(got.year, got.month - 1, got.day));
  if (d.getUTCFullYear() !== got.year || d.getUTCMonth() !== got.month - 1 || d.getUTCDate() !== got.day) return null;
  return d.toISOString().slice(0, 10);
}

/** A wall-clock time of the site, "2026-12-05T07:10" (seconds optional), → "05/12/2026 07:10" in the console's
 *  language; "" for anything else. */
export function timeText(local) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)$/.exec(local || "");
  return m ? `${dayText(m[1])} ${m[2]}` : "";
}

/** "05/12/2026 07:10" (seconds optional; a day alone is its midnight) → "2026-12-05T07:10"; null when the day
 *  is no day or the time no time of a day. */
export function parseTime(text) {
  const m = /^\s*(\S+?)(?:[\sT,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$/.exec(text || "");
  const day = m && parseDay(m[1]);
  if (!day) return null;
  const [h, min, sec] = [m[2] || "0", m[3] || "00", m[4]];
  if (+h > 23 || +min > 59 || (sec != null && +sec > 59)) return null;
  return `${day}T${h.padStart(2, "0")}:${min}${sec != null ? ":" + sec : ""}`;
}

/** A labelled field for the day `day` (yyyy-mm-dd) named `name`, with its calendar button. */
export function dayField(name, label, day) {
  return `<label class="day-field"><span>${esc(label)}</span>
    <span class="day-input"><input name="${esc(name)}" inputmode="numeric" size="10" value="${esc(dayText(day))}"
      placeholder="${esc(t("day.placeholder"))}" title="${esc(t("day.hint"))}"><button type="button" class="day-calendar"
      aria-label="${esc(t("day.calendar"))}" title="${esc(t("day.calendar"))}">▦</button><input type="date" class="day-picker"
      tabindex="-1" aria-hidden="true"></span></label>`;
}

/** Wires the calendar buttons under `root`: the picker opens on the field's day and writes back in the language. */
export function wireDayFields(root) {
  root.querySelectorAll(".day-input").forEach(box => {
    const text = box.querySelector("input:not(.day-picker)"), picker = box.querySelector(".day-picker");
    text.addEventListener("input", () => text.setCustomValidity(""));
    box.querySelector(".day-calendar").addEventListener("click", () => {
      picker.value = parseDay(text.value) || "";
      if (picker.showPicker) picker.showPicker(); else picker.click();
    });
    picker.addEventListener("change", () => { if (picker.value) text.value = dayText(picker.value); });
  });
}

/** What `parse` reads from `input`'s text; "" when empty. A text it cannot read marks the field invalid with
 *  `message()` (how to write one) and answers null. */
function readField(input, parse, message) {
  const typed = input.value.trim();
  if (!typed) return "";
  const value = parse(typed);
  if (!value) {
    input.setCustomValidity(message());
    input.reportValidity();
  }
  return value;
}

/** The day typed in `input` as yyyy-mm-dd ("" when empty, null when it is no day). */
export const readDay = input => readField(input, parseDay, () => t("day.invalid", {example: dayText("2026-12-05")}));

/** The time typed in `input` as "2026-12-05T07:10" ("" when empty, null when it is no time). */
export const readTime = input => readField(input, parseTime, () => t("time.invalid", {example: timeText("2026-12-05T07:10")}));
