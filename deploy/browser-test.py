#!/usr/bin/env python3
"""The web console in a real browser: Debian's headless Chromium driven by Selenium against a
real `novarec serve` on a generated shop (generate → import → train 0.5 min → serve on a free
port, with write and admin keys configured).

Checks: every page loads without console errors; a shopper's three lists show exactly the
items the API answers for the same requests; the dial changes the list (to the API's list at
that setting); an item page shows the API's similar items; an admin action without a key is
refused (401 shown, no run started); the tabs work from the keyboard; nothing overflows a
phone-width screen. Screenshots go to OUT (default out/browser-test).

    python3 deploy/browser-test.py [--binary PATH] [--out DIR]

Needs `chromium`, `chromium-driver` (Debian) and `selenium` (PyPI): deploy/test.sh installs them.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

ROOT = Path(__file__).resolve().parent.parent
ADMIN_KEY, WRITE_KEY = "console-test-admin-key", "console-test-write-key"
passed = []


def check(name, condition, detail=""):
    if not condition:
        sys.exit(f"browser-test: FAIL {name}: {detail}")
    passed.append(name)
    print(f"browser-test: ok   {name}")


class Server:
    """`novarec serve` on a generated shop with a model, on a free loopback port."""

    def __init__(self, binary, work):
        shop, state = work / "shop", work / "state"
        run = lambda *a: subprocess.run([binary, *a], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        run("generate", "--out", str(shop), "--users", "1000", "--items", "400", "--seed", "7")
        run("import", "--dataset", str(shop), "--data-dir", str(state))
        run("train", "--dataset", str(shop), "--out", str(state / "model.safetensors"), "--max-minutes", "0.5", "--refit-epochs", "1")
        with open(shop / "events.tsv") as events:
            next(events)
            self.users = list(dict.fromkeys(line.split("\t", 1)[0] for line in events))
        self.log = open(work / "serve.log", "w+")
        env = dict(os.environ, NOVAREC_API_KEYS=WRITE_KEY, NOVAREC_ADMIN_KEYS=ADMIN_KEY)
        self.process = subprocess.Popen([binary, "serve", "--data-dir", str(state), "--port", "0", "--retrain-events", "0"],
                                        stdout=self.log, stderr=self.log, env=env)
        deadline = time.time() + 300
        while time.time() < deadline and self.process.poll() is None:
            self.log.seek(0)
            match = re.search(r"listening on http://(127\.0\.0\.1:\d+)", self.log.read())
            if match:
                self.base = f"http://{match.group(1)}"
                self.wait_for_item_text(work)
                return
            time.sleep(0.5)
        sys.exit(f"browser-test: novarec serve did not start; see {work / 'serve.log'}")

    def wait_for_item_text(self, work):
        """Items are embedded in the background after start: wait until every one has its text
        vector, so that no list changes between a page and the API answer it is compared with."""
        deadline = time.time() + 300
        while time.time() < deadline:
            request = urllib.request.Request(self.base + "/metrics", headers={"Authorization": f"Bearer {ADMIN_KEY}"})
            with urllib.request.urlopen(request, timeout=30) as response:
                metrics = response.read().decode()
            pending = re.search(r"^novarec_item_text_pending (\d+)", metrics, re.M)
            vectors = re.search(r"^novarec_item_text_vectors (\d+)", metrics, re.M)
            if pending is None or (pending.group(1) == "0" and int(vectors.group(1)) > 0):
                return
            time.sleep(0.5)
        sys.exit(f"browser-test: item text vectors not ready after 300 s; see {work / 'serve.log'}")

    def api(self, path, key=None):
        request = urllib.request.Request(self.base + path, headers={"Authorization": f"Bearer {key}"} if key else {})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=60)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    return webdriver.Chrome(options=options, service=service)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", help="novarec binary (default: the debug build)")
    parser.add_argument("--out", default=str(ROOT / "out" / "browser-test"), help="screenshots folder")
    args = parser.parse_args()
    binary = args.binary or os.path.join(subprocess.check_output(["swift", "build", "--show-bin-path"], cwd=ROOT, text=True).strip(), "novarec")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="novarec-console-"))
    os.chmod(work, 0o755)  # the embedded cluster runs as user postgres when we are root
    server = Server(binary, work)
    driver = browser()
    wait = WebDriverWait(driver, 30)
    try:
        run_checks(driver, wait, server, out)
    except Exception:
        driver.save_screenshot(str(out / "failure.png"))
        raise
    finally:
        driver.quit()
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"browser-test: {len(passed)} checks passed; screenshots in {out}")


def console_errors(driver):
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def listed(driver, container):
    """Item ids in the order a list panel shows them."""
    return [li.get_attribute("data-item-id") for li in container.find_elements(By.CSS_SELECTOR, "ol.items > li")]


def api_list(server, user, novelty, k=10):
    answer = server.api(f"/v1/recommendations?user_id={user}&k={k}&novelty={novelty}")
    return [item["item_id"] for item in answer["items"]]


def run_checks(driver, wait, server, out):
    by_id = driver.find_element
    # A shopper whose lists differ along the dial, so "the dial changes the list" can show.
    user = next(u for u in server.users[:50] if api_list(server, u, 0.5) != api_list(server, u, 1))

    # Every page loads without console errors (the admin key typed first: Models and Live read
    # /v1/model, /v1/admin/train and /metrics, which need it once admin keys are configured).
    driver.get(server.base + "/console")
    wait.until(lambda d: by_id(By.ID, "tab-shopper").get_attribute("aria-selected") == "true")
    by_id(By.ID, "key").send_keys(ADMIN_KEY)
    for page, ready in [("shopper", "#user-id"), ("item", "#item-id"), ("models", "#model-runs h3"), ("live", "#live-charts svg.chart")]:
        by_id(By.ID, f"tab-{page}").click()
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, f"#{page}:not([hidden]) {ready}"))
        driver.save_screenshot(str(out / f"{page}.png"))
        errors = console_errors(driver)
        check(f"{page} page loads without console errors", not errors, errors)
    check("live page draws four charts", len(driver.find_elements(By.CSS_SELECTOR, "#live-charts svg.chart")) == 4)

    # A user lookup shows the API's lists at novelty 0, 0.5 and 1, item for item.
    by_id(By.ID, "tab-shopper").click()
    by_id(By.ID, "user-id").send_keys(user, Keys.ENTER)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#shopper-lists .panel")) == 3 and d.find_elements(By.CSS_SELECTOR, "#dial-list .panel"))
    for panel in driver.find_elements(By.CSS_SELECTOR, "#shopper-lists .panel"):
        novelty = panel.get_attribute("data-novelty")
        check(f"shopper list at novelty {novelty} = the API's", listed(driver, panel) == api_list(server, user, novelty),
              f"{listed(driver, panel)} vs {api_list(server, user, novelty)}")
    driver.save_screenshot(str(out / "shopper-lists.png"))

    # The dial (keyboard: End moves the slider to 1) changes the list to the API's at that setting.
    before = listed(driver, by_id(By.ID, "dial-list"))
    by_id(By.ID, "dial").send_keys(Keys.END)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, '#dial-list .panel[data-novelty="1"]'))
    after = listed(driver, by_id(By.ID, "dial-list"))
    check("the dial changes the list", before != after and after == api_list(server, user, 1), f"{before} → {after}")
    driver.save_screenshot(str(out / "shopper-dial.png"))

    # Clicking an item opens its page: details and the API's similar items.
    first = driver.find_element(By.CSS_SELECTOR, "#shopper-lists .panel li button.linkish")
    item = first.get_attribute("data-item-id")
    first.click()
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#item-similar ol.items"))
    similar = [entry["item_id"] for entry in server.api(f"/v1/items/{item}/similar?k=10")["items"]]
    check("item page shows the API's similar items", listed(driver, by_id(By.ID, "item-similar")) == similar)
    driver.save_screenshot(str(out / "item.png"))

    # The tabs work from the keyboard (arrow keys move between them).
    by_id(By.ID, "tab-item").send_keys(Keys.ARROW_RIGHT)
    wait.until(lambda d: by_id(By.ID, "tab-models").get_attribute("aria-selected") == "true")
    check("arrow keys move between tabs", driver.switch_to.active_element.get_attribute("id") == "tab-models")

    # An admin action without a key is refused, and no run starts.
    key = by_id(By.ID, "key")
    key.send_keys(Keys.CONTROL, "a")
    key.send_keys(Keys.DELETE)
    by_id(By.ID, "train-minutes").clear()
    by_id(By.ID, "train-minutes").send_keys("0.1", Keys.ENTER)
    wait.until(lambda d: by_id(By.ID, "models-error").text)
    refusal = by_id(By.ID, "models-error").text
    status = server.api("/v1/admin/train", ADMIN_KEY)
    check("an admin action without a key is refused", refusal.startswith("401") and status["state"] == "idle", f"{refusal!r}, state {status['state']}")
    driver.save_screenshot(str(out / "models-refused.png"))

    # Readable on a phone: nothing wider than the screen.
    driver.set_window_size(390, 844)
    by_id(By.ID, "tab-shopper").click()
    time.sleep(0.5)
    overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
    check("no horizontal scrolling at phone width", overflow <= 0, f"{overflow}px too wide")
    driver.save_screenshot(str(out / "phone-shopper.png"))


if __name__ == "__main__":
    main()
