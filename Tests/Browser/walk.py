"""What both browser walks share: a headless Chromium at 1366×768, and the check that no visible text
shows a placeholder word, a missing translation or a raw id."""
import re
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ULID = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{26}\b")
BAD_WORDS = re.compile(r"\b(undefined|null|NaN)\b|⟦")


def browser(downloads=None, sound=False, lang="en-GB"):
    """Chromium from Debian, headless; `downloads` is where saved files go, `sound` lets a page play
    a tone without a click first (the operator's alarm), `lang` the browser's own locale."""
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    args = ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1366,768", f"--lang={lang}"]
    if sound:
        args.append("--autoplay-policy=no-user-gesture-required")
    for arg in args:
        options.add_argument(arg)
    if downloads:
        options.add_experimental_option("prefs", {"download.default_directory": downloads, "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_window_size(1366, 768)
    return driver


def visible_text_is_clean(driver, where):
    """No placeholder words or raw ids anywhere a person can read (body text, titles, placeholders)."""
    text = driver.execute_script("""return document.body.innerText + '\\n' +
      Array.from(document.querySelectorAll('[title],[placeholder],[aria-label]')).filter(e => e.offsetParent !== null)
        .map(e => [e.title, e.placeholder, e.getAttribute('aria-label')].filter(Boolean).join(' ')).join('\\n')""")
    bad = BAD_WORDS.findall(text) + ULID.findall(text)
    assert not bad, f"{where}: visible text shows {bad}:\n{text[:3000]}"
    return text


def full_shot(driver, path):
    """The whole page in one picture: the window grown to the page's height, then back."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1366, min(max(height, 768), 4000))
    time.sleep(0.3)
    driver.save_screenshot(path)
    driver.set_window_size(1366, 768)


def log_in(driver, wait, user, password, lang=None):
    """The login form filled and sent (in `lang` first, when given); waits for the user's name in the header."""
    wait.until(EC.visibility_of_element_located((By.ID, "login-user")))
    if lang:
        driver.find_element(By.CSS_SELECTOR, f'[data-lang="{lang}"]').click()
    for field, value in (("login-user", user), ("login-password", password)):
        driver.find_element(By.ID, field).clear()
        driver.find_element(By.ID, field).send_keys(value)
    driver.find_element(By.ID, "login-submit").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "who"), user))
