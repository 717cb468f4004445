#!/usr/bin/env python3
"""The national view on a central hub, in a headless Chromium at 1366×768. An analyst logs in with
Vietnamese screens and reads the departments with their gates beneath: each figure a short sentence
with its unit, each gate's forwarding backlog and lag in words; opens a gate's lanes (latest passage
and last occupancy); switches to English and reads the same. Every step saves a screenshot, and the
visible text is checked for placeholder words, missing translations and raw ids. Run by
BrowserTests+National.swift, which posts the gates' forwarded batches (NationalScenario)."""
import argparse
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from walk import browser, full_shot, log_in, visible_text_is_clean


def rows(driver):
    """The table's rows as text, department rows marked with '#'."""
    out = []
    for tr in driver.find_elements(By.CSS_SELECTOR, "#national tbody tr"):
        mark = "# " if "department" in tr.get_attribute("class") else "  "
        out.append(mark + " | ".join(c.text for c in tr.find_elements(By.CSS_SELECTOR, "th, td")))
    return out


def expect(text, needles, where):
    for n in needles:
        assert n in text, f"{where}: '{n}' is not on the page:\n{text[:4000]}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--user", required=True)
    ap.add_argument("--password", required=True)
    ap.add_argument("--artifacts", required=True)
    a = ap.parse_args()
    os.makedirs(a.artifacts, exist_ok=True)
    shot = lambda name: full_shot(driver, os.path.join(a.artifacts, name))
    driver = browser()
    wait = WebDriverWait(driver, 30)
    try:
        driver.get(a.url)
        log_in(driver, wait, a.user, a.password, lang="vi")
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#national tbody tr.department")) == 3)
        text = visible_text_is_clean(driver, "national (vi)")
        expect(text, ["Các cục hải quan và cửa khẩu", "03 · Hải Phòng", "01 · Hà Nội", "Cửa khẩu chưa thuộc cục nào",
                      "1/2 trực tuyến", "3 báo động", "2 lượt qua", "2 ảnh soi đang chờ", "2 seal", "1 chuyến lệch tuyến",
                      "7 sự kiện đang chờ, chậm", "chưa nhận được gì từ cửa khẩu này",
                      "phiên bản của cửa khẩu không báo số tồn đọng", "không chuyển việc đó lên"], "national (vi)")
        print("\n".join(rows(driver)))
        shot("n1-national-vi.png")

        driver.find_element(By.CSS_SELECTOR, 'tr.gate[data-site="gate-a"] a').click()
        wait.until(EC.visibility_of_element_located((By.ID, "lanes-section")))
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#gate-lanes tbody tr")) == 2)
        text = visible_text_is_clean(driver, "lanes (vi)")
        expect(text, ["Các làn của gate-a", "Làn 1", "Làn 2", "15C-111.11, có báo động", "15C-222.22, không báo động"], "lanes (vi)")
        driver.execute_script("document.getElementById('lanes-section').scrollIntoView()")
        shot("n2-lanes-vi.png")

        driver.find_element(By.CSS_SELECTOR, '[data-lang="en"]').click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "national-title"), "Departments and their gates"))
        wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "#national tbody"), "1 of 2 online"))
        text = visible_text_is_clean(driver, "national (en)")
        expect(text, ["Gates in no department", "1 of 2 online", "3 alarms", "1 alarm", "2 passages", "1 passage", "2 scans waiting", "2 seals", "(2 gates)", "(1 gate)",
                      "1 transit off its corridor", "7 events waiting", "3 events waiting", "min behind",
                      "nothing received from this gate yet", "Lanes of gate-a", "15C-111.11, with an alarm"], "national (en)")
        driver.execute_script("window.scrollTo(0, 0)")
        shot("n3-national-en.png")
        print("national walk: 3 departments, lanes of gate-a, both languages")
    finally:
        driver.quit()


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
