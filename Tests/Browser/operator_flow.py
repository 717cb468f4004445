#!/usr/bin/env python3
"""An operator's shift in Vietnamese, in a headless Chromium at 1366×768: log in (the login screen
in English), switch the console to Vietnamese, see a gamma alarm arrive live (flash, tone, the sentence
with the truck and its container, the count-rate chart), acknowledge and adjudicate it from the
keyboard with a code and secondary inspection (a second console, in another tab, stops sounding
when the hub says the alarm was acknowledged); then as admin find it in the audit log on the admin
view (as sentences, filtered by action, person and time), approve a unit waiting at a listener, open the
device profiles from a device's row; then back on the console see the lane's last passage
(plate, container, declaration and channel) and a sealed transit on the Leaflet map move and leave
its corridor. Every step saves a screenshot, and the visible text is checked for `undefined`,
`null`, `NaN`, a missing translation (⟦key⟧) and raw 26-character ULIDs. Run by BrowserTests.swift,
which starts the hub and feeds the devices at each handshake file this script writes (ready,
audited, transit-seen)."""
import argparse
import json
import os
import re
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from walk import BAD_WORDS, ULID, browser, log_in, visible_text_is_clean


LANE_TEXT = "return Array.from(document.querySelectorAll('#lanes .lane-tile')).map(t => t.innerText).join('\\n')"
MAP = "return window.niihubMap || {}"
STATUS = """const r = document.querySelector('#transit-list tr[data-declaration="' + arguments[0] + '"] .status');
  return r ? r.textContent : ''"""


def lanes_and_transit(driver, a, shot, handshake):
    """The lane's last passage, then the transit map: corridor and position, then a move off the corridor."""
    container, plate, declaration = a.passage.split(",")
    shown_plate = re.sub(r"^(\d{2}[A-Z]{1,2})(\d{3})(\d{2})$", r"\1-\2.\3", plate)
    slow = WebDriverWait(driver, 150, poll_frequency=0.5)
    has_passage = lambda d: (lambda t: all(x in t for x in (container, shown_plate, "số " + declaration, "Phóng xạ: CẢNH BÁO", "Soi: không nghi vấn"))
                             and re.search("Luồng (xanh|vàng|đỏ)", t))(d.execute_script(LANE_TEXT))
    slow.until(has_passage, "the lane tile shows the passage: " + driver.execute_script(LANE_TEXT))
    visible_text_is_clean(driver, "lanes")
    shot("5-lanes.png")

    first = slow.until(lambda d: d.execute_script(MAP).get("positions", {}).get(a.transit), "the transit appears on the map")
    assert driver.execute_script(MAP)["corridorPoints"][a.transit] == 3, "the corridor is drawn through its points"
    assert driver.execute_script("return document.querySelectorAll('#transit-map path.corridor').length") >= 1, "Leaflet drew it"
    driver.execute_script("document.getElementById('transit-section').scrollIntoView()")
    visible_text_is_clean(driver, "transit")
    shot("6-transit.png")
    handshake("transit-seen")
    slow.until(lambda d: (d.execute_script(MAP).get("positions", {}).get(a.transit) or first) != first, "the position moves")
    slow.until(lambda d: (lambda m: m["outside"] >= 3 and m["leftAt"] == 1)(d.execute_script(MAP))
               and "LỆCH TUYẾN" in d.execute_script(STATUS, a.transit),
               "the deviation is marked: " + json.dumps(driver.execute_script(MAP)))
    visible_text_is_clean(driver, "transit moved")
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
    figures = {}

    driver = browser(sound=True)
    try:
        wait = WebDriverWait(driver, 60)
        driver.get(a.url)
        wait.until(EC.visibility_of_element_located((By.ID, "login-user")))
        figures["firstContentfulPaintMs"] = driver.execute_script(
            "const p = performance.getEntriesByName('first-contentful-paint')[0]; return p ? Math.round(p.startTime) : null")
        # The login screen in English, then the console switched to Vietnamese.
        driver.find_element(By.CSS_SELECTOR, '[data-lang="en"]').click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "login-submit"), "Log in"))
        shot("0-login-english.png")
        log_in(driver, wait, a.user, a.password)
        driver.find_element(By.CSS_SELECTOR, '[data-lang="vi"]').click()
        wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "#alarm-title"), "Cảnh báo"))
        assert driver.execute_script("return document.documentElement.lang") == "vi"
        assert driver.execute_script(f"return localStorage.getItem('niihub.lang.{a.user}')") == "vi", "the choice is kept per user"
        wait.until(lambda d: "online" in d.find_element(By.ID, "live-status").get_attribute("class"))
        assert not driver.find_element(By.ID, "nav-admin").is_displayed(), "the admin view is not offered to an operator"
        assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scroll at 1366 px"
        visible_text_is_clean(driver, "logged in")
        shot("1-operator-vietnamese.png")
        handshake("ready")

        # The alarm arrives live: one card for the vehicle, flashing, with the tone.
        card = "#alarms li[data-kind='radiation.alarm']"
        row = WebDriverWait(driver, 90).until(EC.presence_of_element_located((By.CSS_SELECTOR, card)))
        event_id = row.get_attribute("data-event")
        # Set by the console in the animation frame that paints the card.
        figures["alarmOnScreenMs"] = wait.until(lambda d: d.execute_script(
            "return window.niihubAlarmLatencyMs === undefined ? null : [window.niihubAlarmLatencyMs]"))[0]
        assert "new" in row.get_attribute("class").split(), "the new alarm flashes"
        assert driver.execute_script("return window.niihubBeeps || 0") >= 1, "the new alarm sounds"
        assert "alerting" in driver.find_element(By.TAG_NAME, "body").get_attribute("class")
        container, plate, declaration = a.passage.split(",")
        shown_plate = re.sub(r"^(\d{2}[A-Z]{1,2})(\d{3})(\d{2})$", r"\1-\2.\3", plate)
        sentence = lambda d: d.find_element(By.CSS_SELECTOR, card + " .sentence").text
        WebDriverWait(driver, 90, poll_frequency=0.3).until(
            lambda d: all(x in sentence(d) for x in ("làn 1", "cps (nền", "xe " + shown_plate, container)),
            "the sentence names lane, counts, truck and container")
        headline = driver.find_element(By.CSS_SELECTOR, card + " .headline").text
        assert headline == "Cảnh báo phóng xạ gamma", headline
        WebDriverWait(driver, 90, poll_frequency=0.3).until(
            lambda d: d.execute_script("const c = document.querySelector(arguments[0] + ' canvas'); return !!(c && window.Chart.getChart(c))", card),
            "the count-rate chart is drawn")
        visible_text_is_clean(driver, "alarm arrived")
        shot("2-alarm-arrived.png")

        # A second console (another tab: its own page, nothing shared but the login) sounds for the
        # same alarm until it is acknowledged, wherever that happens.
        first_tab = driver.current_window_handle
        driver.switch_to.new_window("tab")
        other_tab = driver.current_window_handle
        driver.get(a.url)
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f'#alarms li[data-event="{event_id}"]')))
        wait.until(lambda d: "online" in d.find_element(By.ID, "live-status").get_attribute("class"))
        assert "alerting" in driver.find_element(By.TAG_NAME, "body").get_attribute("class"), "the second console sounds too"
        driver.switch_to.window(first_tab)

        # Keyboard only: focus the card, A acknowledges (the flash and tone stop), 2 = innocent/NORM.
        driver.execute_script("document.querySelector(arguments[0]).focus()", card)
        driver.switch_to.active_element.send_keys("a")
        wait.until(lambda d: "acknowledged" in d.find_element(By.CSS_SELECTOR, card).get_attribute("class").split())
        assert "new" not in driver.find_element(By.CSS_SELECTOR, card).get_attribute("class").split(), "acknowledged: the flash stops"
        ack_note = driver.find_element(By.CSS_SELECTOR, card + " .ack-note").text
        assert a.user in ack_note, ack_note
        # The hub told the other console: it stops sounding and names who acknowledged.
        driver.switch_to.window(other_tab)
        other_card = f'#alarms li[data-event="{event_id}"]'
        wait.until(lambda d: "acknowledged" in d.find_element(By.CSS_SELECTOR, other_card).get_attribute("class").split())
        wait.until(lambda d: "alerting" not in d.find_element(By.TAG_NAME, "body").get_attribute("class"))
        assert a.user in driver.find_element(By.CSS_SELECTOR, other_card + " .ack-note").text
        visible_text_is_clean(driver, "acknowledged on the other console")
        shot("3-acknowledged-on-another-console.png")
        driver.close()
        driver.switch_to.window(first_tab)
        driver.execute_script("const r = document.querySelector(arguments[0] + ' input[name=code]'); if (r) r.focus()", card)
        driver.switch_to.active_element.send_keys("2")
        Select(driver.find_element(By.CSS_SELECTOR, card + " select[name=secondaryInspection]")).select_by_value("completed")
        driver.find_element(By.CSS_SELECTOR, card + " input[name=isotopes]").send_keys("K-40")
        note = driver.find_element(By.CSS_SELECTOR, card + " input[name=note]")
        note.send_keys("phân bón kali, đã kiểm tra tại bãi 2")
        shot("3-adjudicating.png")
        note.send_keys(Keys.ENTER)
        wait.until(EC.invisibility_of_element_located((By.CSS_SELECTOR, f'#alarms li[data-event="{event_id}"]')))
        wait.until(EC.text_to_be_present_in_element((By.ID, "adjudicated"), "Vô hại / NORM"))
        done = driver.find_element(By.ID, "adjudicated").text
        assert "Đã kiểm tra bổ sung" in done and "K-40" in done and a.user in done, done
        assert "xác nhận: " + a.user in done, "the list says who acknowledged: " + done
        visible_text_is_clean(driver, "adjudicated")
        shot("3-adjudicated.png")

        # The admin view, separate from the console: the audit log and a unit waiting for admission.
        driver.find_element(By.ID, "logout").click()
        log_in(driver, wait, "admin", a.admin_password)
        driver.find_element(By.ID, "nav-admin").click()
        # The audit log reads as sentences: who did what to which alarm (named by what it was, not its id).
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#audit li[data-action='alarm.adjudicate']")))
        entries = lambda action: "\n".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, f"#audit li[data-action='{action}']"))
        said = entries("alarm.adjudicate")
        assert all(x in said for x in (a.user + " đã kết luận cảnh báo phóng xạ gamma tại làn 1", "Vô hại / NORM", "đã kiểm tra bổ sung")), said
        # The vehicle's occupancy, settled with its alarm, is told apart from it.
        assert a.user + " đã kết luận lượt xe qua cổng đo (cảnh báo phóng xạ gamma) tại làn 1" in said, said
        said = entries("alarm.acknowledge")
        assert a.user + " đã xác nhận cảnh báo phóng xạ gamma tại làn 1" in said, "the acknowledgement is in the audit log: " + said
        said = entries("user.create")
        assert "Hub đã tạo quản trị viên đầu tiên, admin, khi khởi động lần đầu." in said, said
        visible_text_is_clean(driver, "admin view")
        driver.execute_script("document.getElementById('audit-section').scrollIntoView()")
        shot("4-audit-log.png")
        driver.execute_script("window.scrollTo(0, 0)")
        waiting = f'#admission tr[data-unit="{a.pending_unit}"]'
        row = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, waiting)))
        assert "cách ly" in row.text, row.text
        shot("8-admission-pending.png")
        row.find_element(By.CSS_SELECTOR, "button.approve").click()
        wait.until(EC.invisibility_of_element_located((By.CSS_SELECTOR, waiting)))

        # Devices, tokens and users: the portal is listed with its state and counters; a token for
        # the risk system is made (its secret shown once), listed, and revoked; an analyst is added.
        wait.until(EC.text_to_be_present_in_element((By.ID, "admin-devices"), "rpm-lane1"))
        devices = driver.find_element(By.ID, "admin-devices").text
        assert "Hoạt động" in devices and "khung" in devices, devices
        # Where each device is reached, in Vietnamese around the address; never the registry's English.
        held = driver.find_element(By.CSS_SELECTOR, "#admin-devices tr[data-device='held-seals']").text
        assert re.search(r"lắng nghe tại 127\.0\.0\.1:\d+", held), held
        assert not re.search(r"\b(listen|connect|silent|link error|disabled in)\b", devices), devices

        # Profiles: the portal's row names its profile and links to it; the profile shows the settings
        # of DeviceProfiles/rapiscan-rpm.yaml, the device that uses it, and the file to edit.
        # The table is redrawn every few seconds: find the link afresh and click it at once.
        driver.execute_script("document.querySelector(\"#admin-devices tr[data-device='rpm-lane1'] a.profile-link\").click()")
        wait.until(lambda d: d.execute_script("return location.hash") == "#profile-rapiscan-rpm")
        profile = driver.find_element(By.ID, "profile-rapiscan-rpm").text
        for x in ("Radiation portal monitor, Rapiscan-style serial line protocol", "hãng sản xuất: Rapiscan Systems",
                  "Cổng đo phóng xạ", "giao thức rpm", "cổng nối tiếp", "9.600 baud, 8 bit dữ liệu, không kiểm tra chẵn lẻ",
                  "mã USB 0403:6014", "khung tối đa 256 byte", "rpm-lane1", "tại cổng", "rapiscan-rpm.yaml"):
            assert x in profile, f"{x!r} not in the profile: {profile}"
        seals = driver.find_element(By.ID, "profile-gt06-eseal").text
        assert "hãng sản xuất: Concox" in seals and "held-seals" in seals and "lắng nghe tại 127.0.0.1:0" in seals, seals
        assert "Sửa hồ sơ trong tệp YAML" in driver.find_element(By.ID, "profiles-where").text
        visible_text_is_clean(driver, "profiles")
        shot("9a-admin-profiles.png")
        # The notification rule's delivery: the lane's alarm went to a webhook that does not answer.
        wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "#notifications tr[data-rule='lane-alarms'] td[data-count='retrying']"), "1"))
        heads = driver.find_element(By.CSS_SELECTOR, "#notifications thead").text
        for x in ("Quy tắc", "Đã gửi", "Đang thử lại", "Đã hủy (được xác nhận kịp thời)", "Ngoài giờ của quy tắc", "Lỗi gần nhất"):
            assert x in heads, f"{x!r} not in the notifications table's head: {heads}"
        rule = driver.find_element(By.CSS_SELECTOR, "#notifications tr[data-rule='lane-alarms']").text
        assert "lane-alarms" in rule and "refused" in rule.lower(), rule
        form = driver.find_element(By.ID, "token-form")
        form.find_element(By.NAME, "label").send_keys("hệ thống rủi ro")
        Select(form.find_element(By.NAME, "role")).select_by_value("analyst")
        form.find_element(By.NAME, "days").send_keys("30")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "token-result"), "Đã tạo mã"))
        secret = driver.find_element(By.CSS_SELECTOR, "#token-secret code").text
        assert len(secret) >= 20, "the secret is shown once: " + secret
        row = wait.until(EC.presence_of_element_located((By.XPATH, "//table[@id='tokens']//tr[contains(., 'hệ thống rủi ro')]")))
        assert "phân tích" in row.text.lower() or "rủi ro" in row.text, row.text
        assert secret not in driver.find_element(By.ID, "tokens").text, "the list never shows a secret"
        form = driver.find_element(By.ID, "user-form")
        form.find_element(By.NAME, "user").send_keys("thu")
        Select(form.find_element(By.NAME, "role")).select_by_value("analyst")
        form.find_element(By.NAME, "password").send_keys("phan-tich-rui-ro")
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "user-result"), "Đã tạo người dùng thu"))
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#users tr[data-user='thu']")))
        users = driver.find_element(By.ID, "users").text
        assert re.search(a.user + r"\s+cán bộ vận hành", users) and re.search(r"thu\s+cán bộ phân tích rủi ro", users), users
        for section in ("devices-section", "tokens-section", "users-section"):
            text = driver.find_element(By.ID, section).text
            bad = BAD_WORDS.findall(text) + ULID.findall(text)
            assert not bad, f"{section}: visible text shows {bad}:\n{text}"
        shot("9-admin-devices-tokens-users.png")
        # The table is redrawn every few seconds: find the button afresh and click it at once.
        revoke = "//table[@id='tokens']//tr[contains(., 'hệ thống rủi ro')]//button"
        driver.execute_script(
            "const b = document.evaluate(arguments[0], document, null, 9, null).singleNodeValue; b.click();", revoke)
        wait.until(EC.invisibility_of_element_located((By.XPATH, revoke)))
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#audit li[data-action='token.revoke']")))

        # The audit log filtered by the action just done: only the revocation, as a sentence.
        audit_form = driver.find_element(By.ID, "audit-filter")
        Select(audit_form.find_element(By.NAME, "action")).select_by_value("token.revoke")
        audit_form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        only = "return Array.from(document.querySelectorAll('#audit li')).map(l => l.dataset.action)"
        wait.until(lambda d: d.execute_script(only) == ["token.revoke"], "only the revocation: " + repr(driver.execute_script(only)))
        said = driver.find_element(By.CSS_SELECTOR, "#audit li").text
        assert "admin đã thu hồi mã truy cập “hệ thống rủi ro”" in said, said
        assert re.match(r"\d{2}:\d{2}, \d{1,2} thg \d{1,2}", said), "the time in the site's zone, in Vietnamese: " + said
        driver.execute_script("document.getElementById('audit-section').scrollIntoView()")
        visible_text_is_clean(driver, "audit filtered")
        shot("10-audit-filtered.png")
        # A time range typed as Vietnamese writes it, in the site's time zone: a day that does not exist is
        # refused with an example; before the hub existed, nothing matches.
        until = audit_form.find_element(By.NAME, "until")
        assert until.get_attribute("placeholder") not in ("", "time.placeholder"), until.get_attribute("placeholder")
        until.send_keys("31/02/2020 00:00")
        audit_form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        message = driver.execute_script("return document.querySelector('#audit-filter [name=until]').validationMessage")
        assert "31/02" not in message and "/" in message, "the refusal gives an example in the page's language: " + message
        until.clear()
        until.send_keys("01/01/2020 00:00")
        audit_form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait.until(EC.visibility_of_element_located((By.ID, "audit-empty")))
        assert driver.execute_script(only) == []
        # By person and action, over all time again: the operator's adjudication.
        until.clear()
        Select(audit_form.find_element(By.NAME, "action")).select_by_value("alarm.adjudicate")
        audit_form.find_element(By.NAME, "actor").send_keys(a.user)
        audit_form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        who = "return Array.from(document.querySelectorAll('#audit li')).map(l => l.dataset.action + ' ' + l.dataset.actor)"
        # The console adjudicates the alarm and its vehicle's occupancy together: each an entry of the operator's.
        wait.until(lambda d: (lambda w: w and set(w) == {"alarm.adjudicate " + a.user})(d.execute_script(who)),
                   "only the operator's adjudications")
        visible_text_is_clean(driver, "audit by person")
        shot("11-audit-by-person.png")

        handshake("audited")
        driver.find_element(By.CSS_SELECTOR, "nav a[href='/']").click()
        wait.until(EC.visibility_of_element_located((By.ID, "lanes")))
        lanes_and_transit(driver, a, shot, handshake)
        print(json.dumps({"adjudicated": event_id, **figures}))
    except Exception:
        shot("failure.png")
        raise
    finally:
        driver.quit()


if __name__ == "__main__":
    main()
