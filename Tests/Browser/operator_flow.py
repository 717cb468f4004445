#!/usr/bin/env python3
"""An operator's shift in a headless Chromium: log in, see an RPM alarm arrive live (flash and beep),
adjudicate it, then log in as admin, find it in the audit log and approve a unit waiting at a
listener; then see the lane's latest passage (containers, plate, declaration and channel, RPM and scan
results) and a sealed transit on the map, with its corridor, move and leave the corridor. Run by
BrowserTests.swift, which starts the hub and feeds the devices at each handshake file this script
writes (ready, audited, transit-seen)."""
import argparse
import json
import os
import re
import sys

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait


def browser():
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1000", "--autoplay-policy=no-user-gesture-required"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def log_in(driver, wait, user, password):
    wait.until(EC.visibility_of_element_located((By.ID, "login-user")))
    for field, value in (("login-user", user), ("login-password", password)):
        driver.find_element(By.ID, field).clear()
        driver.find_element(By.ID, field).send_keys(value)
    driver.find_element(By.ID, "login-submit").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "who"), user))


# Read through script, not element handles: the board redraws every two seconds.
LANE_TEXT = "return Array.from(document.querySelectorAll('#lanes td.passage')).map(t => t.textContent).join('\\n')"
POSITION = """const c = document.querySelector('#transit-map circle.position[data-declaration="' + arguments[0] + '"]');
  return c && c.getBoundingClientRect().width > 0 ? [c.dataset.lat, c.dataset.lon] : null"""
CORRIDOR_POINTS = """const l = document.querySelector('#transit-map polyline.corridor[data-declaration="' + arguments[0] + '"]');
  return l ? l.getAttribute('points').trim().split(/\\s+/).length : 0"""
MARKS = """return [document.querySelectorAll('#transit-map circle.outside').length,
  document.querySelectorAll('#transit-map .left-at').length,
  (document.querySelector('#transit-list tr[data-declaration="' + arguments[0] + '"] .status') || {}).textContent || '']"""


def lanes_and_transit(driver, a, shot, handshake):
    """The lane board's latest passage, then the transit map: corridor and position, then a move."""
    container, plate, declaration = a.passage.split(",")
    slow = WebDriverWait(driver, 150, poll_frequency=0.5)
    has_passage = lambda d: (lambda t: all(x in t for x in (container, plate, "decl. " + declaration, "RPM alarm", "scan clear"))
                             and re.search(declaration + r" \((green|yellow|red)\)", t))(d.execute_script(LANE_TEXT))
    slow.until(has_passage, "the lane board shows the passage: " + driver.execute_script(LANE_TEXT))
    driver.execute_script("document.getElementById('lanes').scrollIntoView()")
    shot("5-lanes.png")

    first = slow.until(lambda d: d.execute_script(POSITION, a.transit), "the transit appears on the map")
    assert driver.execute_script(CORRIDOR_POINTS, a.transit) == 3, "the corridor is drawn through its points"
    driver.execute_script("document.getElementById('transit-section').scrollIntoView()")
    shot("6-transit.png")
    handshake("transit-seen")
    slow.until(lambda d: (d.execute_script(POSITION, a.transit) or first) != first, "the position moves")
    slow.until(lambda d: (lambda m: m[0] >= 3 and m[1] == 1 and "DEVIATED" in m[2])(d.execute_script(MARKS, a.transit)),
               "the deviation is marked: " + json.dumps(driver.execute_script(MARKS, a.transit)))
    driver.execute_script("document.getElementById('transit-section').scrollIntoView()")
    shot("7-transit-moved.png")


def main():
    p = argparse.ArgumentParser()
    for name in ("url", "user", "password", "admin-password", "handshake", "artifacts", "passage", "transit", "pending-unit"):
        p.add_argument("--" + name, required=True)
    a = p.parse_args()
    if not a.url.startswith("http://127.0.0.1:"):
        sys.exit("only loopback hubs are tested")
    os.makedirs(a.artifacts, exist_ok=True)
    shot = lambda name: driver.save_screenshot(os.path.join(a.artifacts, name))
    handshake = lambda name: open(os.path.join(a.handshake, name), "w").close()

    driver = browser()
    try:
        wait = WebDriverWait(driver, 60)
        driver.get(a.url)
        log_in(driver, wait, a.user, a.password)
        wait.until(EC.text_to_be_present_in_element((By.ID, "live-status"), "live"))
        assert not driver.find_element(By.ID, "admission-section").is_displayed(), "admission is for admins only"
        shot("1-operator-logged-in.png")
        handshake("ready")

        row = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#alarms tbody tr[data-event]")))
        event_id = row.get_attribute("data-event")
        assert "radiation.alarm" in row.text, row.text
        assert "new" in row.get_attribute("class").split(), "the new alarm flashes"
        assert driver.execute_script("return window.niihubBeeps || 0") >= 1, "the new alarm beeps"
        shot("2-alarm-arrived.png")
        row.find_element(By.CSS_SELECTOR, "button.ack").click()
        assert "new" not in row.get_attribute("class").split(), "acknowledged: the flash stops"

        form = row.find_element(By.CSS_SELECTOR, "form.adjudicate")
        Select(form.find_element(By.NAME, "outcome")).select_by_value("referred")
        Select(form.find_element(By.NAME, "secondaryInspection")).select_by_value("requested")
        form.find_element(By.NAME, "note").send_keys("driver sent to bay 2")
        form.find_element(By.CSS_SELECTOR, "button").click()
        wait.until(EC.invisibility_of_element_located((By.CSS_SELECTOR, f'#alarms tr[data-event="{event_id}"]')))
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f'#adjudicated tr[data-event="{event_id}"]')))
        shot("3-adjudicated.png")

        driver.find_element(By.ID, "logout").click()
        log_in(driver, wait, "admin", a.admin_password)
        wait.until(EC.text_to_be_present_in_element((By.ID, "audit"), "alarm.adjudicate"))
        audit_text = driver.find_element(By.ID, "audit").text
        assert event_id in audit_text and a.user in audit_text, audit_text
        shot("4-audit-log.png")

        # The unit waiting at a listener: the admin approves it from the page.
        waiting = f'#admission tr[data-unit="{a.pending_unit}"]'
        row = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, waiting)))
        assert "quarantined" in row.text, row.text
        shot("8-admission-pending.png")
        row.find_element(By.CSS_SELECTOR, "button.approve").click()
        wait.until(EC.invisibility_of_element_located((By.CSS_SELECTOR, waiting)))

        handshake("audited")
        lanes_and_transit(driver, a, shot, handshake)
        print(json.dumps({"adjudicated": event_id}))
    except Exception:
        shot("failure.png")
        raise
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
