#!/usr/bin/env python3
"""A risk analyst's investigation in English, in a headless Chromium at 1366×768: log in on the
analyst workspace, find the passage by the truck's plate (typed as painted, 51C-123.45), check the
exports the screen offers, open the passage and see its timeline in the site's time (the repaired
container read, the portal's count-rate chart, the scan's image with its suspect region), the linked
declaration beside it with goods, HS codes and weight, and the risk assessment with each signal's
weight; download the occupancy's raw record and check that the SHA-256 this browser computed, the
hash shown and the file saved all agree, and that the page verified the record's link in the archive's
hash chain (and the next one); then open the declaration (versions, links and why, risk
history) and a sealed transit's declaration with its corridor on the map, and the events tab's exports. Every step saves a
screenshot, and the visible text is checked for `undefined`, `null`, `NaN`, a missing translation
(⟦key⟧) and raw 26-character ULIDs. Run by BrowserTests+Analyst.swift, which feeds the hub first."""
import argparse
import base64
import datetime
import hashlib
import json
import os
import re
import sys
import time

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support.ui import WebDriverWait

from walk import browser, full_shot, visible_text_is_clean

SITE_ZONE = datetime.timezone(datetime.timedelta(hours=7))  # Asia/Ho_Chi_Minh, no daylight saving


def fits(driver, where):
    assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), f"{where}: no sideways scroll at 1366 px"


def api(driver, path):
    """The API with the page's own session, as the page would ask it."""
    return driver.execute_async_script("""const done = arguments[arguments.length - 1];
      fetch(arguments[0], {credentials: 'same-origin'}).then(async r => done({status: r.status, type: r.headers.get('content-type'), text: await r.text()}))
        .catch(e => done({status: 0, text: String(e)}))""", path)


def local(iso):
    """An API time as the page writes it in the site's zone, to the second: 05/12/2026, 14:05:09."""
    t = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(SITE_ZONE)
    return t.strftime("%d/%m/%Y, %H:%M:%S")


def main():
    p = argparse.ArgumentParser()
    for name in ("url", "user", "password", "artifacts", "downloads", "plate", "container", "declaration", "transit",
                 "image-sha", "occupancy-sha", "measurement", "partner"):
        p.add_argument("--" + name, required=True)
    a = p.parse_args()
    if not a.url.startswith("http://127.0.0.1:"):
        sys.exit("only loopback hubs are tested")
    os.makedirs(a.artifacts, exist_ok=True)
    shot = lambda name: driver.save_screenshot(os.path.join(a.artifacts, name))
    figures = {}

    driver = browser(a.downloads)
    try:
        wait = WebDriverWait(driver, 60)
        driver.get(a.url)
        wait.until(EC.visibility_of_element_located((By.ID, "login-user")))
        driver.find_element(By.CSS_SELECTOR, '[data-lang="en"]').click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "login-submit"), "Log in"))
        for field, value in (("login-user", a.user), ("login-password", a.password)):
            driver.find_element(By.ID, field).send_keys(value)
        driver.find_element(By.ID, "login-submit").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "who"), a.user))
        wait.until(EC.visibility_of_element_located((By.ID, "search-form")))
        assert driver.execute_script("return document.documentElement.lang") == "en"
        assert "Asia/Ho_Chi_Minh" in driver.find_element(By.ID, "zone-hint").text, "the search says which zone its times are in"
        shot("a0-analyst-workspace.png")

        # Find the passage by the plate as it is painted on the truck.
        started = time.monotonic()
        plate = driver.find_element(By.CSS_SELECTOR, "#search-form input[name=plate]")
        plate.send_keys(a.plate)
        driver.find_element(By.ID, "search-submit").click()
        row = "#results tbody tr[data-href^='#passage/']"
        WebDriverWait(driver, 60, poll_frequency=0.05).until(
            lambda d: "plate=" in d.execute_script("return location.hash") and d.find_elements(By.CSS_SELECTOR, row))
        figures["searchMs"] = round((time.monotonic() - started) * 1000)
        rows = driver.find_elements(By.CSS_SELECTOR, row)
        assert len(rows) == 1, [r.text for r in rows]
        text = rows[0].text
        for expected in (a.plate, a.container, a.declaration, "Red channel", "ALARM", "suspect"):
            assert expected in text, f"the row shows {expected}: {text}"
        summary = driver.find_element(By.ID, "result-summary").text
        assert summary.startswith("1 passage on this page"), summary
        fits(driver, "search")
        visible_text_is_clean(driver, "search")
        shot("a1-search-by-plate.png")

        # The exports the screen offers carry the same filter and answer with the passage.
        csv_link = driver.find_element(By.ID, "export-csv").get_attribute("href")
        json_link = driver.find_element(By.ID, "export-json").get_attribute("href")
        assert "plate=51C-123.45" in csv_link.replace("%2D", "-") or "plate=51C-123.45" in csv_link, csv_link
        csv = api(driver, csv_link)
        assert csv["status"] == 200 and csv["type"].startswith("text/csv") and a.container in csv["text"], csv
        exported = json.loads(api(driver, json_link)["text"])
        assert len(exported) == 1 and exported[0]["containers"] == [a.container], exported

        # The passage: summary, timeline in the site's time, chart, scan image with its region.
        started = time.monotonic()
        rows[0].find_element(By.CSS_SELECTOR, "a.open").click()
        fast = WebDriverWait(driver, 60, poll_frequency=0.05)
        fast.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".timeline .entry")))
        figures["passagePageMs"] = round((time.monotonic() - started) * 1000)
        passage_id = driver.execute_script("return location.hash").split("/")[1]
        detail = json.loads(api(driver, f"/api/v1/passages/{passage_id}")["text"])
        fast.until(
            lambda d: d.execute_script("const c = document.querySelector('.kind-radiation-occupancy canvas'); return !!(c && window.Chart.getChart(c))"),
            "the count-rate chart is drawn")
        fast.until(
            lambda d: d.find_elements(By.CSS_SELECTOR, ".scan-image.drawn .region"), "the scan image is drawn with its suspect region")
        figures["passageWithChartAndImageMs"] = round((time.monotonic() - started) * 1000)
        wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, ".scan-image figcaption"), "matches"))
        head = driver.find_element(By.CSS_SELECTOR, ".detail-head").text
        for expected in ("Truck 51C-123.45", a.container, "ALARMED", "Scan: SUSPECT", a.declaration):
            assert expected in head, f"the summary says {expected}: {head}"
        timeline = driver.find_element(By.CSS_SELECTOR, ".timeline").text
        assert "read container “CSQU3O54383”" in timeline and f"repaired it to {a.container}" in timeline, timeline
        assert "Plate 51C-123.45 read by the front camera, 88% confident" in timeline, timeline
        assert "Gamma: ALARM" in timeline and "cps" in timeline, timeline
        assert "organic 81%" in timeline, timeline
        occupancy = next(m["event"] for m in detail["members"] if m["event"]["kind"] == "radiation.occupancy")
        shown = driver.execute_script("return document.querySelector('.kind-radiation-occupancy time').textContent")
        expected_time = local(occupancy["observedAt"]).split(", ")[1]
        assert shown.startswith(expected_time), f"the occupancy at {shown} in the site's time, expected {expected_time}"
        side = driver.find_element(By.CSS_SELECTOR, "aside.side").text
        for expected in (f"Declaration {a.declaration}", "Binh Minh Import Export Co.", "31042000", "Potassium chloride fertiliser",
                         "24,500 kg", "26,300 kg", "Radiation alarm", "+60", "Suspect scan", "+45", "Score"):
            assert expected in side, f"the declaration beside the passage shows {expected}: {side}"
        fits(driver, "passage")
        visible_text_is_clean(driver, "passage")
        shot("a2-passage.png")
        full_shot(driver, os.path.join(a.artifacts, "a3-passage-whole.png"))

        # The raw evidence: the occupancy's exact bytes, hashed in this browser, saved as a file.
        evidence = f"table.evidence tr[data-sha='{a.occupancy_sha}']"
        row = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, evidence)))
        assert a.occupancy_sha in row.text, "the SHA-256 is shown"
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
        row.find_element(By.CSS_SELECTOR, "button.check").click()
        result = wait.until(lambda d: (lambda r: r if r.text and "Downloading" not in r.text else None)(d.find_element(By.CSS_SELECTOR, evidence + " .result")))
        assert "Hash matches" in result.text, result.text
        computed = result.get_attribute("data-computed")
        assert computed == a.occupancy_sha, computed
        figures["hashedBy"] = result.get_attribute("data-how")
        saved = WebDriverWait(driver, 30, poll_frequency=0.2).until(
            lambda d: [f for f in os.listdir(a.downloads) if not f.endswith(".crdownload")] or None, "the file is saved")
        with open(os.path.join(a.downloads, saved[0]), "rb") as f:
            on_disk = hashlib.sha256(f.read()).hexdigest()
        assert on_disk == a.occupancy_sha, f"the saved file's SHA-256 is {on_disk}"
        # Then the record's place in the archive's hash chain, recomputed by the page from the proof.
        chain = wait.until(lambda d: (lambda c: c if c.get_attribute("data-verified") else None)(
            d.find_element(By.CSS_SELECTOR, evidence + " .chain-result")))
        answer = api(driver, f"/api/v1/raw/{a.occupancy_sha}/chain")
        assert answer["status"] == 200, answer
        proof = json.loads(answer["text"])
        where = f"Record {proof['seq']:,} of {proof['head']['seq']:,} in the archive's hash chain"
        assert chain.get_attribute("data-verified") == "true" and chain.text.startswith("✓ " + where) \
            and "verified in this browser" in chain.text, chain.text
        # The same link recomputed here, apart from the page: SHA-256(previous ‖ canonical) is the chain value.
        link = hashlib.sha256(bytes.fromhex(proof["previous"]["chain"]) + base64.b64decode(proof["canonical"])).hexdigest()
        assert link == proof["chain"] and proof["link"]["sha256"] == a.occupancy_sha, proof
        figures["chainSeq"] = proof["seq"]
        visible_text_is_clean(driver, "evidence")
        shot("a4-evidence-checked.png")

        # The declaration: versions and what changed, the events linked and why, the risk history.
        driver.find_element(By.CSS_SELECTOR, f"aside.side a[href='#declaration/{a.declaration}']").click()
        wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".versions")))
        versions = driver.find_element(By.CSS_SELECTOR, ".versions").text
        assert "Version 1" in versions and "first filed" in versions and "seals added: VN-SEAL-0042" in versions \
            and "24,000 kg → 24,500 kg" in versions, versions
        links = driver.find_element(By.CSS_SELECTOR, "table.links").text
        assert "after the hub repaired the read “CSQU3O54383”" in links and "(70% sure)" in links, links
        assert f"plate {a.plate} matches declaration version 2 (60% sure)" in links, links
        history = driver.find_elements(By.CSS_SELECTOR, "table.history tbody tr")
        assert len(history) >= 2, [r.text for r in history]
        # A partner administration's signed package, received for the same container: its inspection
        # as a sentence on the page, and its signal explained in the risk history.
        partner = driver.find_element(By.CSS_SELECTOR, ".partner-inspections").text
        # The heading is drawn in capitals (CSS), and read as drawn.
        assert "partner administrations' inspections" in partner.lower() and f"Inspected by {a.partner} (KH) on" in partner \
            and "verified: inspected and cleared, no alarm and no suspect scan." in partner, partner
        # The risk assessment explains the partner's result, on the same day in the site's zone.
        inspected = re.search(r"Inspected by \S+ \(KH\) on (\d\d/\d\d/\d{4})", partner).group(1)
        signals = driver.find_element(By.CSS_SELECTOR, "table.signals").text
        assert f"inspected and cleared by {a.partner} (KH) on {inspected}, verified" in signals, signals
        fits(driver, "declaration")
        visible_text_is_clean(driver, "declaration")
        shot("a5-declaration.png")
        full_shot(driver, os.path.join(a.artifacts, "a5-declaration-whole.png"))
        # The same block in Vietnamese, then back to English for the rest of the walk.
        driver.find_element(By.CSS_SELECTOR, '[data-lang="vi"]').click()
        wait.until(lambda d: "kết quả kiểm tra của cơ quan hải quan đối tác" in d.find_element(By.CSS_SELECTOR, ".partner-inspections").text.lower())
        partner = driver.find_element(By.CSS_SELECTOR, ".partner-inspections").text
        assert f"Được {a.partner} (KH) kiểm tra ngày" in partner and "đã kiểm tra và thông quan" in partner, partner
        visible_text_is_clean(driver, "declaration in Vietnamese")
        driver.execute_script("document.querySelector('.partner-inspections').scrollIntoView({block: 'center'})")
        shot("a5b-declaration-partner-vi.png")
        driver.find_element(By.CSS_SELECTOR, '[data-lang="en"]').click()
        wait.until(lambda d: "partner administrations' inspections" in d.find_element(By.CSS_SELECTOR, ".partner-inspections").text.lower())

        # A sealed transit's declaration: its corridor on the map, with the seal not reporting yet.
        driver.find_element(By.ID, "back-to-search").click()
        wait.until(EC.visibility_of_element_located((By.ID, "search-form")))
        assert driver.find_element(By.CSS_SELECTOR, "#search-form input[name=plate]").get_attribute("value") == a.plate, "Back keeps the search"
        driver.find_element(By.CSS_SELECTOR, "[data-tab=declarations]").click()
        wait.until(lambda d: "#declarations" in d.execute_script("return location.hash"))
        number = driver.find_element(By.CSS_SELECTOR, "#search-form input[name=number]")
        driver.find_element(By.CSS_SELECTOR, "#search-form input[name=plate]").clear()
        number.send_keys(a.transit)
        driver.find_element(By.ID, "search-submit").click()
        link = f"#results a[href='#declaration/{a.transit}']"
        wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, link))).click()
        WebDriverWait(driver, 30, poll_frequency=0.3).until(
            lambda d: d.execute_script("return (window.niihubMap.corridorPoints || {})[arguments[0]]", a.transit) == 3, "the corridor is drawn")
        assert driver.execute_script("return document.querySelectorAll('#transit-map path.corridor').length") >= 1, "Leaflet drew it"
        words = driver.find_element(By.ID, "transit-words").text
        assert "Transit from office 02CI to 45BC" in words and "within 500 m" in words and "has not reported" in words, words
        driver.execute_script("document.getElementById('transit-section').scrollIntoView()")
        fits(driver, "transit")
        visible_text_is_clean(driver, "transit")
        shot("a6-transit.png")

        # An N42 instrument's measurement from the events tab: its spectrum against energy (keV, the
        # instrument's calibration applied) on a logarithmic count axis, and the nuclide it identified.
        driver.find_element(By.ID, "back-to-search").click()
        wait.until(EC.visibility_of_element_located((By.ID, "search-form")))
        driver.find_element(By.CSS_SELECTOR, "[data-tab=events]").click()
        wait.until(lambda d: "#events" in d.execute_script("return location.hash"))
        for name in ("plate", "container"):
            driver.find_element(By.CSS_SELECTOR, f"#search-form input[name={name}]").clear()
        Select(driver.find_element(By.CSS_SELECTOR, "#search-form select[name=kind]")).select_by_value("radiation.measurement")
        driver.find_element(By.ID, "search-submit").click()
        # The events tab redraws its rows when the search answers: click the row's link once they have settled.
        WebDriverWait(driver, 30, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda d: "kind=radiation.measurement" in d.execute_script("return location.hash")
            and d.find_element(By.CSS_SELECTOR, f"#results a[href='#measurement/{a.measurement}']").click() is None)
        wait.until(lambda d: d.execute_script("return location.hash") == f"#measurement/{a.measurement}")
        wait.until(lambda d: d.execute_script("return document.querySelector('.spectrum-box') && document.querySelector('.spectrum-box').dataset.drawn") == "true")
        chart = driver.execute_script("""const c = Chart.getChart(document.querySelector('.spectrum-box canvas'));
          const x = c.scales.x, y = c.scales.y;
          return {y: y.type, x: x.type, xTitle: x.options.title.text, ticks: x.ticks.map(t => t.label), lines: c.data.datasets.length,
                  points: c.data.datasets[0].data.length, maxX: Math.max(...c.data.datasets[0].data.map(p => p.x)), legend: c.data.datasets.map(d => d.label)}""")
        assert chart["y"] == "logarithmic", chart
        assert chart["xTitle"] == "energy (keV)" and any(t.endswith(" keV") for t in chart["ticks"]), chart
        # The D3S's calibration is 2.93 + 5.86·ch keV: its 128 channels reach past Cs-137's 662 keV line.
        assert chart["lines"] == 1 and chart["maxX"] > 662, chart
        assert chart["legend"] == ["Internal D3S Gamma Detector"], chart
        # The page's calibration helper, E = a0 + a1·ch + a2·ch² (+ …): values worked by hand.
        energies = driver.execute_async_script("""const done = arguments[arguments.length - 1];
          import('/assets/js/spectrum.js').then(m => done([m.energy([2.9296875, 5.859375, 0], 112.5), m.energy([-1, 3, 0.001], 1000),
            m.energy([10, 2], 0), m.energy([5], 10), m.energy([1, 0], 10), m.energy(null, 3), m.points({channels: [0, 4, 0, 9], energyCalibration: [0, 2]})]))
            .catch(e => done(String(e)))""")
        assert energies[:6] == [662.109375, 3999.0, 10.0, None, None, None], energies
        assert energies[6] == {"keV": True, "points": [{"x": 0, "y": 0.5, "n": 0}, {"x": 2, "y": 4, "n": 4}, {"x": 4, "y": 0.5, "n": 0}, {"x": 6, "y": 9, "n": 9}]}, energies
        note = driver.find_element(By.CSS_SELECTOR, ".spectrum-panel .chart-note").text
        assert "energy calibration" in note and "logarithmic" in note, note
        summary = driver.find_element(By.CSS_SELECTOR, ".detail-head .summary").text
        assert "Kromek D3S ID (SGM200615)" in summary and "foreground" in summary and "Live time" in summary \
            and "µSv/h" in summary and "Neutron 0" in summary, summary
        nuclides = driver.find_element(By.CSS_SELECTOR, "table.nuclides").text
        assert "Cs-137" in nuclides and "100" in nuclides and "no category given" in nuclides, nuclides
        assert driver.find_element(By.CSS_SELECTOR, "button.n42-download").is_displayed()
        fits(driver, "measurement")
        visible_text_is_clean(driver, "measurement")
        shot("a7-n42-spectrum.png")

        # The events tab offers its exports too, with the list's filters, answering with stored events.
        driver.execute_script("window.scrollTo(0, 0)")
        driver.execute_script("location.hash = '#events'")
        csv_link = wait.until(lambda d: (lambda l: l if l and "/api/v1/export/events.csv" in l else None)(
            d.execute_script("const a = document.getElementById('export-csv'); return a && a.offsetParent !== null ? a.href : null")))
        csv = api(driver, csv_link)
        lines = csv["text"].split("\r\n")
        assert csv["status"] == 200 and csv["type"].startswith("text/csv") and lines[0].startswith("id,kind,observedAt,") and len(lines) > 2, csv["text"][:500]
        exported = json.loads(api(driver, driver.find_element(By.ID, "export-json").get_attribute("href"))["text"])
        assert exported and all(e["kind"] and e["raw"]["sha256"] for e in exported), exported[:2]
        figures["eventsExported"] = len(exported)
        visible_text_is_clean(driver, "events")
        shot("a8-events-export.png")
        print(json.dumps({"passage": passage_id, **figures}))
    except Exception:
        shot("analyst-failure.png")
        raise
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
