#!/usr/bin/env python3
"""caseload serve in a real browser: headless Chromium driven through the
DevTools protocol over --remote-debugging-pipe (JSON messages on fds 3 and 4,
so Python's standard library is all it needs). Opens the start page, starts a
plan from a library scenario with today's state, types an extra FTE, runs it,
waits for the results and reads the headline figure of the report; then
types a bad value and sees the error next to its field; then compares that run
with a second one from the History page at 420 px. Screenshots at 1280 px and
420 px go to OUT_DIR.

usage: serve_browser.py CASELOAD SCENARIOS OUT_DIR
Exit codes: 0 passed, 1 failed, 77 skipped (no Chromium; a failure when
CASELOAD_REQUIRE_BROWSER=1, as in CI).
"""
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

failures = 0


def check(ok, what):
    global failures
    print(("ok    " if ok else "FAIL  ") + what, flush=True)
    if not ok:
        failures += 1


def find_chromium():
    env = os.environ.get("CASELOAD_CHROMIUM")
    if env:
        return env if os.access(env, os.X_OK) else None
    for name in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if name and os.access(name, os.X_OK):
            return name
    return None


class Browser:
    """One headless Chromium and one page, over the DevTools pipe."""

    def __init__(self, exe, profile):
        self.to_r, self.to_w = os.pipe()      # we write, Chromium reads fd 3
        self.from_r, self.from_w = os.pipe()  # Chromium writes fd 4, we read
        args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--remote-debugging-pipe",
                "--user-data-dir=" + profile, "about:blank"]

        def fds():
            os.dup2(self.to_r, 3)
            os.dup2(self.from_w, 4)
            os.setpgid(0, 0)

        self.proc = subprocess.Popen(args, pass_fds=(3, 4), preexec_fn=fds, stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(profile + ".log"), "wb"))
        os.close(self.to_r)
        os.close(self.from_w)
        self.buf = b""
        self.next_id = 0
        self.session = None
        target = self.call("Target.createTarget", {"url": "about:blank"}, browser=True)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True},
                                 browser=True)["sessionId"]
        self.call("Page.enable")
        self.call("Runtime.enable")

    def close(self):
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        self.proc.wait()

    def call(self, method, params=None, browser=False, timeout=60):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if self.session and not browser:
            msg["sessionId"] = self.session
        os.write(self.to_w, json.dumps(msg).encode() + b"\0")
        end = time.time() + timeout
        while time.time() < end:
            while b"\0" in self.buf:
                raw, self.buf = self.buf.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self.next_id:
                    if "error" in reply:
                        raise RuntimeError(method + ": " + json.dumps(reply["error"]))
                    return reply.get("result", {})
            chunk = os.read(self.from_r, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buf += chunk
        raise RuntimeError(method + ": no answer")

    def js(self, expression):
        r = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in r:
            raise RuntimeError("script failed: " + json.dumps(r["exceptionDetails"])[:400])
        return r["result"].get("value")

    def wait_for(self, expression, seconds=30):
        end = time.time() + seconds
        while time.time() < end:
            try:
                v = self.js(expression)
                if v:
                    return v
            except RuntimeError:
                pass  # the page is between two documents
            time.sleep(0.2)
        return None

    def open(self, url):
        self.call("Page.navigate", {"url": url})
        time.sleep(0.3)
        self.wait_for("document.readyState === 'complete'")

    def width(self, w):
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": w, "height": 900, "deviceScaleFactor": 1, "mobile": w < 600})

    def screenshot(self, path):
        """The whole page at the present width: the viewport made as tall as the page."""
        w = self.js("window.innerWidth")
        h = min(int(self.js("document.documentElement.scrollHeight")), 8000)
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": w < 600})
        data = self.call("Page.captureScreenshot", {"format": "png"})["data"]
        self.width(w)
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def view(self, path, selector=None):
        """What a person sees: the viewport, scrolled to `selector`."""
        if selector:
            self.js("document.querySelector(%s).scrollIntoView({block: 'center'}); true" % json.dumps(selector))
        data = self.call("Page.captureScreenshot", {"format": "png"})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def type_into(self, selector, text):
        """Focus the field, select what is there and type over it (real input events)."""
        self.js("(function(){var e=document.querySelector(%s); e.closest('details') && (e.closest('details').open=true);"
                "e.focus(); e.select(); return true;})()" % json.dumps(selector))
        self.call("Input.insertText", {"text": text})


def submit_yaml(base, yaml):
    """A run sent as the JSON API sends it; its id."""
    data = urllib.parse.urlencode({"yaml": yaml}).encode()
    req = urllib.request.Request(base + "/runs", data=data, headers={"Accept": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read())["id"]


def wait_done(base, run, seconds=240):
    """The run's state once it is done, stopped or failed."""
    state = None
    end = time.time() + seconds
    while time.time() < end:
        with urllib.request.urlopen(base + "/runs/" + run + "/status", timeout=30) as r:
            state = json.loads(r.read())["state"]
        if state in ("done", "stopped", "failed"):
            break
        time.sleep(0.2)
    return state


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def main():
    exe, scenarios, out = sys.argv[1], sys.argv[2], sys.argv[3]
    chromium = find_chromium()
    if not chromium:
        required = os.environ.get("CASELOAD_REQUIRE_BROWSER") == "1"
        print(("FAIL: " if required else "SKIP: ") + "no Chromium found (/usr/bin/chromium, chromium on PATH, "
              "$CASELOAD_CHROMIUM). Install the Debian package 'chromium' to run the browser test.")
        return 1 if required else 77
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    port = free_port()
    server = subprocess.Popen([exe, "serve", "--port", str(port), "--workspace", os.path.join(out, "workspace"),
                               "--library", scenarios], stderr=open(os.path.join(out, "serve.log"), "wb"))
    base = "http://127.0.0.1:%d" % port
    browser = None
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        browser = Browser(chromium, os.path.join(out, "profile"))
        b = browser
        b.width(1280)
        b.open(base + "/")
        check(b.js("document.querySelectorAll('ul.library form').length") >= 5, "the start page lists the library")
        b.screenshot(os.path.join(out, "start-1280.png"))
        # Start from the baseline with today's state (a region under pressure).
        b.js("(function(){var f=[...document.querySelectorAll('ul.library form')].find(function(f){"
             "return f.querySelector('input[name=from]').value==='baseline.yaml';});"
             "f.querySelector('select[name=state]').value='region_under_pressure.yaml'; f.submit(); return true;})()")
        check(b.wait_for("document.getElementById('f-initial.waiting') !== null") is not None, "the plan page opens")
        check(b.js("document.getElementById('f-initial.waiting').value") == "140",
              "today's state is in the form (140 families waiting)")
        # A small run: two replications over a year; the plan: 12 extra FTE.
        b.type_into("#f-replications", "2")
        b.type_into("#f-horizon", "1y")
        b.type_into("[id='f-lever.extra_workers.fte']", "12")
        check(b.wait_for("document.getElementById('preview').textContent.indexOf('extra_workers') >= 0", 15)
              is not None, "the YAML beside the form shows the lever")
        b.screenshot(os.path.join(out, "plan-1280.png"))
        b.width(420)
        b.screenshot(os.path.join(out, "plan-420.png"))
        b.view(os.path.join(out, "plan-420-top.png"), "#f-horizon")
        b.width(1280)
        b.js("document.getElementById('run').click(); true")
        state = b.wait_for("(function(){var s=document.getElementById('state');"
                           "return s && ['done','failed','stopped'].indexOf(s.dataset.state)>=0 && s.dataset.state;})()",
                           240)
        check(state == "done", "the run finished (state: %s)" % state)
        headline = b.wait_for("(function(){var f=document.getElementById('report'); if(!f||!f.contentDocument) return null;"
                              "var c=f.contentDocument.querySelector('#key-figures table tbody tr');"
                              "return c && c.innerText;})()", 30)
        print("headline row: %r" % headline)
        check(bool(headline) and re.search(r"[0-9]", headline) is not None,
              "the report's headline figure is read from the page")
        b.screenshot(os.path.join(out, "results-1280.png"))
        b.width(420)
        b.screenshot(os.path.join(out, "results-420.png"))
        b.view(os.path.join(out, "results-420-top.png"))
        b.width(1280)
        # A bad value: the error appears next to its field.
        b.js("history.back(); true")
        time.sleep(0.5)
        b.open(base + "/plan?from=baseline.yaml&state=region_under_pressure.yaml&lang=nl")
        check(b.js("document.documentElement.lang") == "nl", "the Dutch page")
        b.type_into("[id='f-lever.extra_workers.fte']", "-5")
        err = b.wait_for("document.getElementById('err-lever.extra_workers.fte').textContent", 15)
        print("error next to the field: %r" % err)
        check(bool(err), "the error appears next to the extra-FTE field as it is typed")
        b.js("window.before_run = true; document.getElementById('run').click(); true")
        err = b.wait_for("!window.before_run && document.readyState === 'complete' && "
                         "document.getElementById('err-lever.extra_workers.fte') && "
                         "document.getElementById('err-lever.extra_workers.fte').textContent", 15)
        check(bool(err), "after Run, the page shows the error next to the same field")
        marked = b.js("[...document.querySelectorAll('.field.invalid input')].map(function(e){return e.id;})")
        check(marked == ["f-lever.extra_workers.fte"], "only that field is marked: %s" % marked)
        b.screenshot(os.path.join(out, "error-1280.png"))
        b.width(420)
        b.screenshot(os.path.join(out, "error-420.png"))
        b.view(os.path.join(out, "error-420-field.png"), "[id='f-lever.extra_workers.fte']")
        # History compares two finished runs: the plan above, and a second run sent by the JSON API.
        second = submit_yaml(base, "name: second_run\nhorizon: 1y\nwarmup: 50d\nreplications: 2\nseed: 5\nreferrals:\n"
                                   "  rate_per_week: 3.5\n  types:\n    ots: {share: 1, length: {distribution: "
                                   "exponential, mean: 60d}, weight: 1}\n"
                                   "workforce: {workers: 4, fte: 1.0, caseload_norm: 10}\n")
        check(wait_done(base, second) == "done", "a second run finished")
        b.width(420)
        b.open(base + "/history?lang=nl")
        picks = b.js("document.querySelectorAll('input[name=baseline]').length")
        check(picks == 2, "History offers both finished runs as a baseline (%s)" % picks)
        wide = b.js("document.documentElement.scrollWidth - window.innerWidth")
        check(wide <= 0, "History fits 420 px (%s px too wide)" % wide)
        b.screenshot(os.path.join(out, "history-420.png"))
        b.js("document.querySelectorAll('input[name=baseline]')[1].click();"
             "document.getElementById('plan-' + %s).click(); document.getElementById('compare').click(); true"
             % json.dumps(second))
        state = b.wait_for("(function(){var s=document.getElementById('state');"
                           "return s && ['done','failed','stopped'].indexOf(s.dataset.state)>=0 && s.dataset.state;})()",
                           240)
        check(state == "done", "the comparison of the two runs finished (state: %s)" % state)
        title = b.js("document.querySelector('h1').textContent")
        check("second_run" in title and " vs " in title, "the comparison names both runs: %r" % title)
        b.screenshot(os.path.join(out, "history-compare-420.png"))
    except Exception as e:  # a broken page or browser is a failure, with its reason
        check(False, "the browser session: %s" % e)
    finally:
        if browser:
            browser.close()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    print("screenshots in " + out)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
