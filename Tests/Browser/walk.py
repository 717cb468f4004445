"""What both browser walks share: a headless Chromium at 1366×768, and the check that no visible text
shows a placeholder word, a missing translation or a raw id."""
import re

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

ULID = re.compile(r"\b[0-9A-HJKMNP-TV-Z]{26}\b")
BAD_WORDS = re.compile(r"\b(undefined|null|NaN)\b|⟦")


def browser(downloads=None, sound=False):
    """Chromium from Debian, headless; `downloads` is where saved files go, `sound` lets a page play
    a tone without a click first (the operator's alarm)."""
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    args = ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1366,768", "--lang=en-GB"]
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
