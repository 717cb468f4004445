#!/usr/bin/env python3
"""Central image review with four eyes, in a headless Chromium at 1366×768. The first analyst
(Vietnamese screens) opens the queue, claims a 16-bit scan, changes window and level and checks that
the rendered pixels change exactly as the window/level rule computes from the 16-bit samples the hub
serves, measures the dense object with the ruler, marks it as a region with a label and sends the
scan suspect with a reason; the page says it waits for a second analyst, and the first analyst cannot
confirm their own verdict. The second analyst (English screens) claims it from the "Second analyst"
queue and confirms it suspect; the page says the verdict is recorded. Every step saves a screenshot,
and the visible text is checked for placeholder words, missing translations and raw ids. The last
line printed is the browser figures (JSON): time to the first drawn tile and window/level frames per
second. Run by BrowserTests+Review.swift, which feeds the hub and checks the declaration and the feed."""
import argparse
import json
import os
import sys
import time

from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from walk import browser, full_shot, log_in, visible_text_is_clean

CANVAS = ".viewer-canvas"
STATE = "return Object.assign({}, document.querySelector('.viewer-canvas').dataset)"
# The 16-bit sample the hub serves at level-0 image point (x, y), read from the tile that holds it at
# the level the viewer draws: the value the page's pixel must be computed from.
SAMPLE = """const [sha, level, x, y, done] = arguments;
  fetch(`/api/v1/images/${sha}`, {credentials: 'same-origin'}).then(r => r.json()).then(info => {
    const f = 2 ** level, lx = Math.floor(x / f), ly = Math.floor(y / f), c = Math.floor(lx / info.tileSize), r = Math.floor(ly / info.tileSize);
    return fetch(`/api/v1/images/${sha}/tiles/${level}/${c}/${r}`, {credentials: 'same-origin'}).then(async resp => {
      const w = +resp.headers.get('X-Tile-Width'), s = new Uint16Array(await resp.arrayBuffer());
      done(s[(ly - r * info.tileSize) * w + (lx - c * info.tileSize)]);
    });
  }).catch(e => done(-1));"""
# The canvas pixel (RGBA) at level-0 image point (x, y) as drawn now.
PIXEL = """const c = document.querySelector('.viewer-canvas'), d = c.dataset, x = arguments[0], y = arguments[1];
  const sx = Math.floor((x - +d.ox) * +d.scale), sy = Math.floor((y - +d.oy) * +d.scale);
  return Array.from(c.getContext('2d').getImageData(sx, sy, 1, 1).data);"""
# Window/level frames per second: the width slider moved 40 times, each time waiting for the redraw.
FRAMES = """const done = arguments[arguments.length - 1], c = document.querySelector('.viewer-canvas'), s = document.getElementById('wl-width');
  const start = +s.value; let n = 0; const t0 = performance.now();
  const step = () => {
    if (n === 40) { s.value = start; s.dispatchEvent(new Event('input')); done(40000 / (performance.now() - t0)); return; }
    c.addEventListener('drawn', () => { n++; step(); }, {once: true});
    s.value = String(start + (n % 2 ? 1500 : -1500)); s.dispatchEvent(new Event('input'));
  };
  step();"""


def windowed(v, center, width):
    """The page's window/level rule (js/image-lut.js), computed here independently."""
    w = max(1.0, width)
    g = round((v - (center - w / 2)) / w * 255)
    return max(0, min(255, g))


def drag(driver, x0, y0, x1, y1):
    """A mouse drag between two level-0 image points on the viewer's canvas (scrolled wholly into
    view first: WebDriver measures offsets from the centre of the element's visible part)."""
    canvas = driver.find_element(By.CSS_SELECTOR, CANVAS)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    d = driver.execute_script(STATE)
    rect = driver.execute_script("return arguments[0].getBoundingClientRect().toJSON()", canvas)
    to = lambda x, y: ((x - float(d["ox"])) * float(d["scale"]) - rect["width"] / 2, (y - float(d["oy"])) * float(d["scale"]) - rect["height"] / 2)
    (ax, ay), (bx, by) = to(x0, y0), to(x1, y1)
    ActionChains(driver).move_to_element_with_offset(canvas, int(ax), int(ay)).click_and_hold() \
        .move_by_offset(int((bx - ax) / 2), int((by - ay) / 2)).move_by_offset(int((bx - ax) / 2), int((by - ay) / 2)).release().perform()


def row_text(driver, selector, click=False):
    """The text of the element `selector` names (clicked first when asked), or None while the page
    replaces it under us."""
    try:
        element = driver.find_element(By.CSS_SELECTOR, selector)
        if click:
            element.click()
            return ""
        return element.text
    except (StaleElementReferenceException, NoSuchElementException):
        return None


def open_scan(driver, wait, a, tab, says=None):
    """Opens the scan from the `tab` queue; with `says`, once its row says so: the same row may still
    be on screen from the queue the previous user saw (a new hash does not reload the page)."""
    driver.get(f"{a.url}#review?state={tab}")
    row = f"tr[data-scan='{a.scan}']"
    # The queue may be drawn again (its first fetch, then a live update) between finding the row and
    # reading it: a row gone stale is looked up again.
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, row)))
    text = wait.until(lambda d: (t := row_text(d, row)) is not None and (says is None or says in t) and t)
    started = time.monotonic()
    wait.until(lambda d: row_text(d, row + " a", click=True) is not None)
    # This scan's page, drawn: the page says which address it shows once it is done. A drawn canvas
    # alone is not enough: the page the login reopened (the previous user's address) may still be
    # there, hidden, until the click's page replaces it.
    WebDriverWait(driver, 60, poll_frequency=0.02).until(lambda d: d.execute_script(
        "const c = document.querySelector('.viewer-canvas');"
        " return document.body.dataset.shown === 'review/' + encodeURIComponent(arguments[0]) && c && c.dataset.drawn",
        a.scan))
    return text, round((time.monotonic() - started) * 1000)


def claim_when_ready(driver, wait, scan):
    """Clicks the claim button once the scan's page is ready: the page says it shows this scan, its
    image is drawn and the button wired (wireClaim names it and sets its handler together). A drawn
    canvas and a claim button alone are not enough: the same scan's page opened before stays in the
    document, hidden behind the queue, until the click's page replaces it with "Loading"."""
    wait.until(lambda d: d.execute_script(
        "const c = document.querySelector('.viewer-canvas'), b = document.getElementById('claim');"
        " return document.body.dataset.shown === 'review/' + encodeURIComponent(arguments[0])"
        " && !!(c && c.dataset.drawn && b && !b.hidden && b.textContent.trim())", scan))
    driver.find_element(By.ID, "claim").click()


def main():
    p = argparse.ArgumentParser()
    for name in ("url", "first", "second", "password", "artifacts", "scan", "image-sha", "container", "object"):
        p.add_argument("--" + name, required=True)
    a = p.parse_args()
    if not a.url.startswith("http://127.0.0.1:"):
        sys.exit("only loopback hubs are tested")
    os.makedirs(a.artifacts, exist_ok=True)
    ox, oy, ow, oh = (int(v) for v in a.object.split(","))  # the dense object, in image pixels
    cx, cy = ox + ow // 2, oy + oh // 2
    figures = {}
    driver = browser()
    shot = lambda name: driver.save_screenshot(os.path.join(a.artifacts, name))
    try:
        wait = WebDriverWait(driver, 60)
        driver.get(a.url)
        log_in(driver, wait, a.first, a.password, lang="vi")

        # The queue: the scan is waiting, named by its lane and container, with its automatic detection.
        text, figures["firstDrawMs"] = open_scan(driver, wait, a, "waiting")
        assert a.container in text and "làn 1" in text and "Đang chờ người phân tích" in text, text
        driver.back()
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f"tr[data-scan='{a.scan}']")))
        # The queue's route has finished (it says so), so the scan page's address below is the click's.
        wait.until(lambda d: not (d.execute_script("return document.body.dataset.shown") or "").startswith("review/"))
        visible_text_is_clean(driver, "queue")
        shot("r1-queue.png")
        driver.find_element(By.CSS_SELECTOR, f"tr[data-scan='{a.scan}'] a").click()
        # Claim it: the verdict buttons open, the state names the analyst.
        claim_when_ready(driver, wait, a.scan)
        wait.until(EC.visibility_of_element_located((By.ID, "release")))
        assert f"{a.first} đang phân tích" in driver.find_element(By.ID, "review-state").text
        assert driver.find_element(By.CSS_SELECTOR, "[data-verdict=suspect]").is_enabled()
        shot("r2-claimed.png")

        # Window/level: the pixel over the dense object is the rule applied to the served 16-bit sample,
        # before and after the analyst narrows the window onto the object's values.
        state = driver.execute_script(STATE)
        sample = driver.execute_async_script(SAMPLE, a.image_sha, int(state["level"]), cx, cy)
        assert sample >= 0, "the tile under the object was served"
        before = driver.execute_script(PIXEL, cx, cy)
        assert before[0] == windowed(sample, float(state["center"]), float(state["width"])), (before, sample, state)
        driver.execute_script("""const w = document.getElementById('wl-width'), c = document.getElementById('wl-center');
          w.value = arguments[0]; c.value = arguments[1]; w.dispatchEvent(new Event('input')); c.dispatchEvent(new Event('input'));""",
                              4000, sample + 500)
        wait.until(lambda d: d.execute_script(STATE)["center"] == str(sample + 500))
        wait.until(lambda d: d.execute_script(PIXEL, cx, cy)[0] != before[0])
        after = driver.execute_script(PIXEL, cx, cy)
        assert after[0] == windowed(sample, sample + 500, 4000) == 96, (after, sample)
        figures["windowLevelFps"] = round(driver.execute_async_script(FRAMES), 1)
        shot("r3-window-level.png")

        # The ruler across the object: its length in metres from the file's pixel spacing (6.3 mm a
        # pixel: 300 pixels are 1.89 m), written the Vietnamese way (1,89 m).
        driver.find_element(By.CSS_SELECTOR, "[data-tool=measure]").click()
        drag(driver, ox, cy, ox + ow, cy)
        wait.until(EC.text_to_be_present_in_element((By.ID, "viewer-status"), "Thước đo"))
        ruler = driver.find_element(By.ID, "viewer-status").text
        metres = float(ruler.split(": ")[1].split(" m")[0].replace(",", "."))
        assert abs(metres - ow * 0.0063) < 0.05, ruler
        figures["ruler"] = ruler

        # Mark the object, label it, give a reason, send it suspect.
        driver.find_element(By.CSS_SELECTOR, "[data-tool=mark]").click()
        drag(driver, ox - 5, oy - 5, ox + ow + 5, oy + oh + 5)
        label = wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#region-list li input")))
        label.send_keys("khối hữu cơ đặc")
        driver.find_element(By.ID, "verdict-reason").send_keys("Mật độ không khớp với phân bón khai báo")
        shot("r4-region-marked.png")
        driver.find_element(By.CSS_SELECTOR, "[data-verdict=suspect]").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "review-state"), "chờ người phân tích thứ hai"))
        said = driver.find_element(By.ID, "review-state").text
        assert f"{a.first} kết luận nghi vấn" in said, said
        assert "khối hữu cơ đặc" in driver.find_element(By.ID, "verdict-history").text
        visible_text_is_clean(driver, "suspect sent")
        full_shot(driver, os.path.join(a.artifacts, "r5-suspect-sent.png"))

        # The first analyst cannot confirm their own verdict: the page says so (and the hub refuses it).
        assert "một người phân tích khác phải xác nhận" in driver.find_element(By.ID, "claim-error").text
        driver.find_element(By.ID, "logout").click()
        log_in(driver, wait, a.second, a.password, lang="en")

        # The second analyst: the scan is in the second-analyst queue; claim, confirm suspect.
        said = f"{a.first} judged it suspect; a second analyst must confirm."
        text, _ = open_scan(driver, wait, a, "second", says=said)
        assert said in text, text
        assert "khối hữu cơ đặc" in driver.find_element(By.ID, "verdict-history").text
        claim_when_ready(driver, wait, a.scan)
        wait.until(EC.visibility_of_element_located((By.ID, "release")))
        driver.find_element(By.CSS_SELECTOR, "[data-tool=mark]").click()
        drag(driver, ox, oy, ox + ow, oy + oh)
        wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "#region-list li input"))).send_keys("dense organic mass")
        driver.find_element(By.ID, "verdict-reason").send_keys("Confirmed: density does not match the declared fertiliser")
        driver.find_element(By.CSS_SELECTOR, "[data-verdict=suspect]").click()
        wait.until(EC.text_to_be_present_in_element((By.ID, "review-state"), "Verdict recorded."))
        said = driver.find_element(By.ID, "review-state").text
        assert f"Decided: suspect, by {a.second} after {a.first}'s first look." in said, said
        visible_text_is_clean(driver, "confirmed")
        shot("r6-confirmed.png")

        # The declaration beside the image now reads red; both analysts' regions are on the image.
        driver.refresh()
        wait.until(EC.text_to_be_present_in_element((By.ID, "review-declaration"), "Red"))
        full_shot(driver, os.path.join(a.artifacts, "r7-declaration-red.png"))
    except Exception:
        shot("r-failure.png")
        raise
    finally:
        driver.quit()
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
