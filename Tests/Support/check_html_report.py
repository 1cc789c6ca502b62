#!/usr/bin/env python3
"""Opens a `candor audit --format html` report in headless Chromium and checks it.

usage: check_html_report.py REPORT.html SCREENSHOT.png FINDINGS SEVERITY COUNT

FINDINGS is the audit's total number of findings; selecting SEVERITY in the
filter must leave exactly COUNT findings visible. Prints one line per failed
check and exits 1 if any failed; prints "ok" and exits 0 otherwise.
"""
import struct
import sys
import zlib

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

report, screenshot, findings, severity, severity_count = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def png_pixels(data):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB or RGBA PNG, without PIL."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, idat = 8, b""
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), "unexpected PNG format"
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    raw, stride, rows, previous = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = row[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                row[i] = (row[i] + left) & 0xFF
            elif kind == 2:
                row[i] = (row[i] + up) & 0xFF
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                row[i] = (row[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(row))
        previous = row
    return width, height, channels, rows


options = Options()
options.binary_location = "/usr/bin/chromium"
for argument in ("--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1600"):
    options.add_argument(argument)
options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
try:
    driver.get("file://" + report)

    # Nothing from the posts ran.
    try:
        driver.switch_to.alert
        failures.append("an alert is open")
    except NoAlertPresentException:
        pass
    check(driver.execute_script("return typeof window.__pwned") == "undefined", "window.__pwned was set by post text")
    check(driver.title == "Candor report", f"document.title changed to {driver.title!r}")
    check(len(driver.find_elements(By.TAG_NAME, "script")) == 1, "the page has a script besides the report's own")
    check(not driver.find_elements(By.CSS_SELECTOR, "img, iframe, object, embed, [onerror], [onload], a[href^='javascript'], a[href^='JavaScript']"),
          "an element from post text was created")
    texts = " ".join(element.text for element in driver.find_elements(By.CSS_SELECTOR, "article.post"))
    check("<script>" in texts and "onerror=" in texts, "the hostile payload is not shown as text")
    check("\ufffd" in texts, "invalid UTF-8 is not shown as U+FFFD")
    blocked = [entry["message"] for entry in driver.get_log("browser") if "Content Security Policy" in entry["message"]]
    check(not blocked, f"the Content-Security-Policy blocked {len(blocked)} things, first: {blocked[:1]}")

    # The summary renders, above the posts, with its charts.
    totals = driver.find_element(By.ID, "totals")
    check(f"{findings} findings" in totals.text, f"totals say {totals.text!r}, expected {findings} findings")
    check(totals.location["y"] < driver.find_element(By.ID, "posts").location["y"], "the summary is not above the posts")
    check(len(driver.find_elements(By.CSS_SELECTOR, ".chart svg rect")) >= 10, "the charts have no bars")
    all_findings = driver.find_elements(By.CSS_SELECTOR, "li.finding")
    check(len(all_findings) == findings, f"{len(all_findings)} findings listed, expected {findings}")
    check(driver.find_elements(By.CSS_SELECTOR, "pre.text mark"), "nothing is highlighted")

    # Filters.
    check(driver.find_element(By.ID, "filters").is_displayed(), "the filters are not shown")
    Select(driver.find_element(By.ID, "filter-severity")).select_by_value(severity)
    visible = [li for li in all_findings if li.is_displayed()]
    check(len(visible) == severity_count, f"severity {severity}: {len(visible)} findings visible, expected {severity_count}")
    check(all(li.get_attribute("data-severity") == severity for li in visible), f"severity {severity}: other findings visible")
    check(all(post.find_elements(By.CSS_SELECTOR, "li.finding:not([hidden])")
              for post in driver.find_elements(By.CSS_SELECTOR, "article.post") if post.is_displayed()),
          f"severity {severity}: a post without such findings is visible")
    Select(driver.find_element(By.ID, "filter-severity")).select_by_value("")
    search = driver.find_element(By.ID, "filter-q")
    search.send_keys("langhe")
    posts = [post for post in driver.find_elements(By.CSS_SELECTOR, "article.post") if post.is_displayed()]
    check(posts and all("langhe" in post.text.lower() for post in posts), "the search does not narrow the posts")
    search.clear()
    search.send_keys(" ")  # an input event with an empty query shows everything again
    check(len([li for li in all_findings if li.is_displayed()]) == findings, "clearing the filters does not show every finding")

    driver.execute_script("window.scrollTo(0, 0)")
    png = driver.get_screenshot_as_png()
    with open(screenshot, "wb") as file:
        file.write(png)
    width, height, channels, rows = png_pixels(png)
    colours = {row[x:x + 3] for row in rows[::8] for x in range(0, width * channels, channels * 8)}
    check(len(png) > 20_000, f"the screenshot is only {len(png)} bytes")
    check(len(colours) > 20, f"the screenshot has only {len(colours)} colours")

    # Without scripts everything is visible and no dead controls are shown.
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    driver.get("file://" + report)
    check(not driver.find_element(By.ID, "filters").is_displayed(), "without scripts the filters are shown")
    shown = [li for li in driver.find_elements(By.CSS_SELECTOR, "li.finding") if li.is_displayed()]
    check(len(shown) == findings, f"without scripts {len(shown)} findings visible, expected {findings}")
    check(f"{findings} findings" in driver.find_element(By.ID, "totals").text, "without scripts the totals are missing")
finally:
    driver.quit()

for failure in failures:
    print(failure)
print("ok" if not failures else f"{len(failures)} checks failed")
sys.exit(1 if failures else 0)
