#!/usr/bin/env python3
"""The time-release screen of the analyst workspace, in a headless Chromium at 1366×768. An analyst logs in
with Vietnamese screens, opens the Time release tab and reads: the dwell per stage and lane (bars, p50 and
p90), the lane table, the end-to-end trend per lane and per channel, and the slowest passages as sentences
naming the stage that held them; then the same in English. The charts' data is read back from Chart.js on
the page and compared with the API's figures (--expected, the JSON of GET /api/v1/time-release that the
test fetched); the CSV link is fetched with the page's session. The browser's own locale is American
(en-US, month first): the day fields must still write days as the console's language does (05/12/2026)
and read them back so. Run by BrowserTests+TimeRelease.swift."""
import argparse
import json
import re
import os
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from walk import browser, full_shot, log_in, visible_text_is_clean

STAGES = ["radiation", "scan", "verdict", "decision", "exit"]
HELD = {"vi": {"radiation": "kiểm tra phóng xạ", "scan": "soi chiếu", "verdict": "kết luận ảnh soi",
               "decision": "quyết định hải quan", "exit": "ra khỏi làn"},
        "en": {"radiation": "radiation check", "scan": "scan", "verdict": "image verdict",
               "decision": "customs decision", "exit": "exit"}}

CHART_DATA = """
const c = window.Chart && Chart.getChart(document.getElementById(arguments[0]));
if (!c) return null;
return {labels: c.data.labels, datasets: c.data.datasets.map(d => ({label: d.label, lane: d.lane, series: d.series,
  percentile: d.percentile, unitSeconds: d.unitSeconds, data: d.data}))};
"""


def close(shown, seconds, unit, where):
    """A charted value (in the chart's unit, rounded to 0.01) is the API's seconds."""
    if seconds is None:
        assert shown is None, f"{where}: drawn {shown}, but no truck reached it"
        return
    assert shown is not None, f"{where}: nothing drawn, expected {seconds} s"
    assert abs(shown * unit - seconds) <= 0.006 * unit + 0.001, f"{where}: drawn {shown} × {unit} s, expected {seconds} s"


def check_charts(driver, expected):
    stages = driver.execute_script(CHART_DATA, "tr-stages")
    assert stages, "the stage chart was not drawn"
    lanes = {l.get("lane"): l for l in expected["lanes"]}
    assert len(stages["datasets"]) == 2 * len(lanes), stages["datasets"]
    for d in stages["datasets"]:
        lane = lanes[d["lane"]]
        for i, stage in enumerate(STAGES):
            close(d["data"][i], lane["stages"][stage][d["percentile"] + "Seconds"], d["unitSeconds"], f"lane {d['lane']} {stage} {d['percentile']}")
    days = expected["trend"]["days"]
    for canvas, key, name in (("tr-trend-lanes", "lanes", "lane"), ("tr-trend-channels", "channels", "channel")):
        chart = driver.execute_script(CHART_DATA, canvas)
        assert chart, f"{canvas} was not drawn"
        assert len(chart["labels"]) == len(days), (chart["labels"], days)
        assert all(re.fullmatch(r"\d{2}/\d{2}", l) for l in chart["labels"]), f"{canvas}: days written {chart['labels']}, not dd/mm"
        series = {s.get(name): s for s in expected["trend"][key]}
        assert len(chart["datasets"]) == 2 * len(series), chart["datasets"]
        for d in chart["datasets"]:
            points = {p["day"]: p for p in series[d["series"]]["points"]}
            for i, day in enumerate(days):
                want = points[day]["endToEnd"][d["percentile"] + "Seconds"] if day in points else None
                close(d["data"][i], want, d["unitSeconds"], f"{canvas} {d['series']} {day} {d['percentile']}")
    return stages


def check_slowest(driver, expected, lang):
    items = driver.find_elements(By.CSS_SELECTOR, ".tr-slow li")
    assert len(items) == len(expected["slowest"]), f"{len(items)} slow passages listed, {len(expected['slowest'])} served"
    for li, s in zip(items, expected["slowest"]):
        assert li.get_attribute("data-passage") == s["passage"], (li.get_attribute("data-passage"), s["passage"])
        if s.get("heldAt"):
            assert HELD[lang][s["heldAt"]] in li.text, f"'{li.text}' does not say it was held at {s['heldAt']}"


def day_fields(driver):
    """The from and to fields' text."""
    return tuple(driver.find_element(By.CSS_SELECTOR, f'#tr-form input[name="{n}"]').get_attribute("value") for n in ("from", "to"))


def check_day_fields(driver, where):
    """The default window, the last seven days of the site (Asia/Ho_Chi_Minh), written day/month/year."""
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    want = ((today - timedelta(days=6)).strftime("%d/%m/%Y"), today.strftime("%d/%m/%Y"))
    assert day_fields(driver) == want, f"{where}: the day fields show {day_fields(driver)}, expected {want}"
    return today


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--expected", required=True)
    ap.add_argument("--artifacts", required=True)
    a = ap.parse_args()
    expected = json.load(open(a.expected))
    os.makedirs(a.artifacts, exist_ok=True)
    shot = lambda name: full_shot(driver, os.path.join(a.artifacts, name))
    driver = browser(lang="en-US")
    # The screen draws its form again when the address changes: a field read meanwhile is stale, and
    # the wait reads it again rather than failing.
    wait = WebDriverWait(driver, 30, ignored_exceptions=[StaleElementReferenceException])
    try:
        driver.get(a.url)
        log_in(driver, wait, a.user, a.password, lang="vi")
        wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, '#subnav a[data-view="time-release"]'))).click()
        wait.until(lambda d: d.execute_script("return !!(window.Chart && document.getElementById('tr-stages') && Chart.getChart(document.getElementById('tr-stages')))"))
        check_charts(driver, expected)
        check_slowest(driver, expected, "vi")
        check_day_fields(driver, "time release (vi)")
        assert driver.find_element(By.CSS_SELECTOR, '#tr-form input[name="from"]').get_attribute("placeholder") == "nn/tt/nnnn"
        text = visible_text_is_clean(driver, "time release (vi)")
        passages = sum(l["passages"] for l in expected["lanes"])
        for needle in ["Thời gian giải phóng hàng", f"{passages} lượt qua", "Asia/Ho_Chi_Minh", "Kiểm tra phóng xạ", "không xe nào qua",
                       "Các lượt qua chậm nhất", "từ lúc đến đến lúc ra", "Tải CSV"]:
            assert needle.lower() in text.lower(), f"time release (vi): '{needle}' is not on the page:\n{text[:4000]}"
        shot("t1-time-release-vi.png")

        # The CSV link, fetched with the page's session: a header and one row per day of the window.
        csv = driver.execute_async_script("""const done = arguments[arguments.length - 1];
          fetch(document.getElementById('tr-csv').href, {credentials: 'same-origin'}).then(r => r.text()).then(done, e => done('ERR ' + e));""")
        lines = [l for l in csv.split("\r\n") if l]
        assert lines and lines[0].startswith("period_start,period_start_local,lane,channel,passages"), csv[:300]
        assert len(lines) == 1 + len(expected["groups"]), f"{len(lines) - 1} CSV rows, {len(expected['groups'])} groups:\n{csv[:600]}"

        driver.find_element(By.CSS_SELECTOR, '[data-lang="en"]').click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "tr-title"), "Time release"))
        wait.until(lambda d: d.execute_script("return !!Chart.getChart(document.getElementById('tr-stages'))"))
        stages = check_charts(driver, expected)
        assert stages["labels"] == ["Radiation check", "Scan", "Image verdict", "Customs decision", "Exit"], stages["labels"]
        check_slowest(driver, expected, "en")
        today = check_day_fields(driver, "time release (en)")
        text = visible_text_is_clean(driver, "time release (en)")
        for needle in [f"{passages} passages", "Time at each stage, per lane", "no truck reached it", "Arrival to exit, day by day, per channel",
                       "from arrival to exit", "The longest wait was for the", "Did not go through: scan, image verdict", "Download CSV"]:
            assert needle.lower() in text.lower(), f"time release (en): '{needle}' is not on the page:\n{text[:4000]}"
        driver.execute_script("window.scrollTo(0, 0)")
        shot("t2-time-release-en.png")

        # A day typed without leading zeros is read day first; one that does not exist is refused in words.
        to = driver.find_element(By.CSS_SELECTOR, '#tr-form input[name="to"]')
        to.clear()
        to.send_keys(f"31/02/{today.year}")
        driver.find_element(By.CSS_SELECTOR, '#tr-form button[type="submit"]').click()
        message = driver.execute_script("return arguments[0].validationMessage", to)
        assert message.startswith("Not a day: write day/month/year"), message
        assert "to=" not in driver.current_url, driver.current_url
        to.clear()
        to.send_keys(f"{today.day}/{today.month}/{today.year}")
        driver.find_element(By.CSS_SELECTOR, '#tr-form button[type="submit"]').click()
        first = today - timedelta(days=6)
        wait.until(lambda d: f"to={today.isoformat()}" in d.current_url)
        assert f"from={first.isoformat()}" in driver.current_url, driver.current_url
        wait.until(lambda d: day_fields(d) == (first.strftime("%d/%m/%Y"), today.strftime("%d/%m/%Y")))

        # The Search tab's times are typed the same way (day/month/year hour:minute, the site's wall clock) and
        # kept in the address as the API's filters read them.
        driver.find_element(By.CSS_SELECTOR, '#subnav a[data-view="search"]').click()
        since = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, '#search-form input[name="since"]')))
        assert since.get_attribute("placeholder") == "dd/mm/yyyy hh:mm", since.get_attribute("placeholder")
        since.clear()
        since.send_keys(f"32/12/{today.year} 07:05")
        driver.find_element(By.ID, "search-submit").click()
        message = driver.execute_script("return arguments[0].validationMessage", since)
        assert message.startswith("Not a time: write day/month/year hour:minute"), message
        since.clear()
        since.send_keys(f"{first.day}/{first.month}/{first.year} 7:05")
        driver.find_element(By.ID, "search-submit").click()
        wait.until(lambda d: f"since={first.isoformat()}T07%3A05" in d.current_url)
        wait.until(lambda d: since.get_attribute("value") == first.strftime("%d/%m/%Y") + " 07:05")
        shot("t3-search-times-en.png")
        print(f"time-release walk: {passages} passages, {len(expected['slowest'])} slow, charts match the API in both languages")
    finally:
        driver.quit()


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
