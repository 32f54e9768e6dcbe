#!/usr/bin/python3
"""The dashboard in a real browser: Debian's chromium, headless, driven by chromedriver through
python3-selenium, against the real daemon with the dashboard plugin (and no rest-api plugin: the
page needs nothing but the dashboard).

Usage: dashboard_browser_test.py PHPEEK_PM_BINARY OUTPUT_DIR
Screenshots (desktop and phone width) are written to OUTPUT_DIR; the README shows the first.
"""
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By

BINARY = sys.argv[1] if len(sys.argv) > 1 else "build/bin/phpeek-pm"
OUTPUT = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp()
TOKEN = "browser-test-token-1"

CONFIG = """
version: "1.0"
global:
  log_format: text
  shutdown_timeout: 5s
  restart_backoff_initial: 100ms
  api_enabled: false
  dashboard_enabled: true
  dashboard_host: 127.0.0.1
  dashboard_port: 0
  api_auth: "%s"
processes:
  worker:
    command: ["sh", "-c", "echo worker $PHPEEK_PM_INSTANCE_ID up; exec sleep 600"]
    scale: 2
  ticker:
    command: ["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.2; done"]
  report:
    command: ["sh", "-c", "echo report ran"]
    schedule: "*/5 * * * *"
""" % TOKEN


def wait_for(what, condition, timeout=10.0, interval=0.05):
    """Polls `condition` until it returns something truthy; fails naming `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out after %.1f s waiting for %s" % (timeout, what))
        time.sleep(interval)


class Dashboard(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        config = os.path.join(cls.dir.name, "phpeek-pm.yaml")
        with open(config, "w") as f:
            f.write(CONFIG)
        cls.log_path = os.path.join(cls.dir.name, "daemon.log")
        cls.log = open(cls.log_path, "w")
        cls.daemon = subprocess.Popen([BINARY, "-c", config], stdout=cls.log,
                                      stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        port = wait_for("the dashboard's listening line", cls.port_from_log, timeout=30)
        cls.base = "http://127.0.0.1:%d" % port
        options = webdriver.ChromeOptions()
        options.binary_location = "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=1280,900", "--user-data-dir=" + os.path.join(cls.dir.name, "chrome")):
            options.add_argument(arg)
        cls.browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)

    @classmethod
    def tearDownClass(cls):
        cls.browser.quit()
        cls.daemon.send_signal(signal.SIGTERM)
        try:
            cls.daemon.wait(timeout=15)
        except subprocess.TimeoutExpired:
            cls.daemon.kill()
            cls.daemon.wait()
        cls.log.close()
        cls.dir.cleanup()

    @classmethod
    def port_from_log(cls):
        with open(cls.log_path) as f:
            m = re.search(r"dashboard listening on http://127\.0\.0\.1:(\d+)", f.read())
        return int(m.group(1)) if m else None

    # --- helpers ---------------------------------------------------------------------------

    def visible(self, element_id):
        return self.browser.find_element(By.ID, element_id).is_displayed()

    def sign_in(self, token):
        self.browser.get(self.base + "/")
        wait_for("the sign-in form", lambda: self.visible("login"))
        field = self.browser.find_element(By.ID, "token")
        field.clear()
        field.send_keys(token)
        self.browser.find_element(By.CSS_SELECTOR, "#login button[type=submit]").click()

    def signed_in(self):
        self.browser.get(self.base + "/")
        if not wait_for("the page to load", lambda: self.visible("login") or self.visible("board")):
            return
        if self.visible("login"):
            self.sign_in(TOKEN)
        wait_for("the process table", lambda: self.visible("board"))

    def pids(self, process):
        """The pids the page shows for `process`'s instances, in row order (read in one go: the
        page replaces its rows when the process list changes)."""
        return self.browser.execute_script(
            "return Array.from(document.querySelectorAll(arguments[0])).map(td => td.textContent)",
            "tr[data-process='%s'] td.pid" % process)

    def click(self, selector):
        """A real click on the element, found again if the page replaced it meanwhile."""
        def clicked():
            try:
                self.browser.find_element(By.CSS_SELECTOR, selector).click()
                return True
            except StaleElementReferenceException:
                return False
        wait_for("a click on " + selector, clicked)

    def running_pids(self, process, count):
        pids = self.pids(process)
        return pids if len(pids) == count and all(p.isdigit() for p in pids) else None

    # --- tests -----------------------------------------------------------------------------

    def test_a_wrong_token_is_refused(self):
        self.sign_in("not-the-token")
        wait_for("the refusal", lambda: "wrong token" in self.browser.find_element(
            By.ID, "login-error").text)
        self.assertFalse(self.visible("board"))
        # Nor does anything under /api answer without a session.
        with self.assertRaises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(self.base + "/api/processes", timeout=5)
        self.assertEqual(refused.exception.code, 401)
        self.assertEqual(json.load(refused.exception)["error"], "unauthorized")

    def test_b_the_page_lists_the_processes_and_jobs(self):
        self.signed_in()
        pids = wait_for("both workers' pids", lambda: self.running_pids("worker", 2))
        for pid in pids:  # the daemon's own children, as the page says
            with open("/proc/%s/stat" % pid) as f:
                self.assertEqual(int(f.read().rsplit(")", 1)[1].split()[1]), self.daemon.pid)
        wait_for("ticker's row", lambda: self.running_pids("ticker", 1))
        jobs = self.browser.find_elements(By.CSS_SELECTOR, "#jobs tr[data-job='report']")
        self.assertEqual(len(jobs), 1)
        self.assertIn("*/5 * * * *", jobs[0].text)
        self.browser.save_screenshot(os.path.join(OUTPUT, "dashboard.png"))

    def test_c_a_kill_shows_the_new_pid_without_a_reload(self):
        self.signed_in()
        before = wait_for("both workers' pids", lambda: self.running_pids("worker", 2))
        marker = self.browser.execute_script("return window.performance.timeOrigin")
        killed = time.monotonic()
        os.kill(int(before[0]), signal.SIGKILL)
        after = wait_for("the replacement's pid on the page",
                         lambda: (p := self.running_pids("worker", 2)) and p[0] != before[0] and p,
                         timeout=2.0, interval=0.02)
        self.assertLess(time.monotonic() - killed, 2.0)
        self.assertEqual(after[1], before[1])
        # The same page: no navigation happened.
        self.assertEqual(self.browser.execute_script("return window.performance.timeOrigin"), marker)

    def test_d_the_restart_button_restarts(self):
        self.signed_in()
        before = wait_for("ticker's pid", lambda: self.running_pids("ticker", 1))
        self.click("tr[data-process='ticker'] button[data-action='restart']")
        wait_for("ticker's new pid", lambda: (p := self.running_pids("ticker", 1)) and p != before)

    def test_e_the_log_pane_follows(self):
        self.signed_in()
        wait_for("ticker's pid", lambda: self.running_pids("ticker", 1))
        self.click("tr[data-process='ticker'] button[data-action='logs']")

        def last_tick():
            text = self.browser.execute_script(
                "return document.getElementById('log-lines').textContent")
            ticks = re.findall(r"tick (\d+)", text)
            return int(ticks[-1]) if ticks else None

        first = wait_for("a tick line in the log pane", last_tick)
        wait_for("a later tick line", lambda: (last_tick() or 0) > first + 2)

    def test_f_phone_width(self):
        self.signed_in()
        self.browser.set_window_size(390, 844)
        try:
            wait_for("the narrow layout", lambda: not self.browser.find_element(
                By.CSS_SELECTOR, "#processes th.wide").is_displayed())
            wait_for("the workers", lambda: self.running_pids("worker", 2))
            restart = self.browser.find_element(
                By.CSS_SELECTOR, "tr[data-process='worker'] button[data-action='restart']")
            self.assertTrue(restart.is_displayed())
            self.browser.save_screenshot(os.path.join(OUTPUT, "dashboard-phone.png"))
        finally:
            self.browser.set_window_size(1280, 900)


if __name__ == "__main__":
    os.makedirs(OUTPUT, exist_ok=True)
    unittest.main(argv=[sys.argv[0], "-v"])
