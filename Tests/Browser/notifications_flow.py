#!/usr/bin/env python3
"""The notification rules on the admin view, in a headless Chromium at 1366×768. An admin logs in with
Vietnamese screens and reads the site file's rule as sentences; adds a rule on the form (a night
supervisor paged by e-mail, an escalation step after 10 minutes), sees it listed in words, turns it
off, and is told in words which field is wrong when an address is not one; then reads the same in
English, and finds the changes in the audit log as sentences. Run by BrowserTests+Notifications.swift."""
import argparse
import os
import sys

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from walk import browser, full_shot, log_in, visible_text_is_clean


def row(driver, name):
    rows = driver.find_elements(By.CSS_SELECTOR, f'#notification-rules tr[data-rule="{name}"]')
    return rows[0] if rows else None


def fill(driver, fields):
    form = driver.find_element(By.ID, "rule-form")
    for name, value in fields.items():
        el = form.find_element(By.NAME, name)
        el.clear()
        el.send_keys(value)
    form.find_element(By.CSS_SELECTOR, 'button[type="submit"]').click()


def main():
    ap = argparse.ArgumentParser()
    for name in ("url", "user", "password", "artifacts"):
        ap.add_argument("--" + name, required=True)
    a = ap.parse_args()
    os.makedirs(a.artifacts, exist_ok=True)
    shot = lambda name: full_shot(driver, os.path.join(a.artifacts, name))
    driver = browser()
    # The rule list is drawn anew after each save: a row found just before is stale, and looked up again.
    wait = WebDriverWait(driver, 30, ignored_exceptions=[StaleElementReferenceException])
    try:
        driver.get(a.url)
        log_in(driver, wait, a.user, a.password, lang="vi")
        wait.until(lambda d: row(d, "operators") is not None)
        said = row(driver, "operators").text
        for needle in ["Nhận các sự kiện loại radiation.alarm", "op@gate.example qua thư điện tử bằng tiếng Việt", "trong vòng 5 phút", "Đang bật"]:
            assert needle in said, f"the site file's rule (vi): '{needle}' is not in '{said}'"
        assert "từ tệp cấu hình trạm" in driver.find_element(By.ID, "rules-source").text

        fill(driver, {"name": "night-chief", "kinds": "radiation.alarm, trace", "severities": "alarm", "lanes": "1",
                      "hours": "mon tue wed thu fri sat sun 22:00-06:00", "fold": "2",
                      "notify": "sup@gate.example vi", "escalate": "10: chief@gate.example en\n30: duty@gate.example vi | *"})
        wait.until(lambda d: row(d, "night-chief") is not None)
        said = row(driver, "night-chief").text
        for needle in ["các sự kiện loại radiation.alarm, trace", "ở mức cảnh báo", "tại làn 1", "mọi ngày từ 22:00 đến 06:00",
                       "sup@gate.example qua thư điện tử bằng tiếng Việt", "sau 10 phút", "chief@gate.example qua thư điện tử bằng tiếng Anh",
                       "trong giờ của quy tắc", "sau 30 phút: duty@gate.example qua thư điện tử bằng tiếng Việt, vào mọi giờ",
                       "trong vòng 2 phút"]:
            assert needle in said, f"the added rule (vi): '{needle}' is not in '{said}'"
        result = driver.find_element(By.ID, "rule-result").text
        assert "Đã thêm quy tắc night-chief" in result, result
        assert "lưu lần gần nhất" in driver.find_element(By.ID, "rules-source").text

        row(driver, "night-chief").find_element(By.CSS_SELECTOR, "button.toggle").click()
        wait.until(lambda d: (r := row(d, "night-chief")) is not None and "Đang tắt" in r.text)

        # A recipient that is not an address: refused, the field named, the rule list unchanged.
        fill(driver, {"name": "bad-one", "notify": "not-an-address vi"})
        wait.until(EC.text_to_be_present_in_element((By.ID, "rule-result"), "chưa được lưu"))
        result = driver.find_element(By.ID, "rule-result").text
        assert "rule.notify[0].email" in result, result
        assert row(driver, "bad-one") is None
        visible_text_is_clean(driver, "notification rules (vi)")
        driver.execute_script("document.getElementById('notifications-section').scrollIntoView()")
        shot("n1-notification-rules-vi.png")

        driver.find_element(By.CSS_SELECTOR, '[data-lang="en"]').click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "notification-rules"), "Takes events of kind"))
        said = row(driver, "night-chief").text
        for needle in ["Takes events of kind radiation.alarm, trace of severity alarm on lane 1.", "Off",
                       "If the alarm is not acknowledged after 10 min: chief@gate.example by e-mail in English, within the rule's hours.",
                       "If the alarm is not acknowledged after 30 min: duty@gate.example by e-mail in Vietnamese, at any hour."]:
            assert needle in said, f"the added rule (en): '{needle}' is not in '{said}'"
        result = driver.find_element(By.ID, "rule-result").text
        assert "The rule was not saved: the field rule.notify[0].email is not right." in result, result
        audit = driver.find_element(By.ID, "audit-section").text
        for needle in [f"{a.user} added the notification rule night-chief.", f"{a.user} turned off the notification rule night-chief."]:
            assert needle in audit, f"the audit log: '{needle}' is not in:\n{audit[:3000]}"
        visible_text_is_clean(driver, "notification rules (en)")
        shot("n2-notification-rules-en.png")
        print("notification rules walk: listed, added, turned off and refused in words, in both languages, each change audited")
    finally:
        driver.quit()


if __name__ == "__main__":
    try:
        main()
    except AssertionError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
