#!/usr/bin/env python3
"""The client of socketio-browser: headless Chromium loading browser_page.html from
sio5_browser_server.py. The page uses the official socket.io JavaScript client with its
default transports (polling, then the upgrade to WebSocket) and logs every Socket.IO packet
it sends and receives as console lines ("OSISCOPE-LOG {json}", then "OSISCOPE-DONE").

This script starts Chromium (in its own process group), reads those lines from Chromium's
standard error (--enable-logging=stderr --v=0 prints console messages there), waits for
"OSISCOPE-DONE" (exit 1 on "OSISCOPE-FAILED" or after --timeout seconds), waits --linger
seconds more, then stops Chromium with SIGTERM and waits for it and every process of its
group, so that it has closed its connections when this script exits. It writes the page's
log (--log, the form of sio5_client.py's log) and Chromium's whole standard error
(--chromium-log).

Chromium runs as root here (record.sh), hence --no-sandbox; the other flags keep it from
talking to anything but the page's server (no component updates, sync, metrics, safe
browsing, translate, background networking, HTTPS upgrade of the URL, first-run tasks).
record.sh runs it in a private network namespace whose only interface is lo, so nothing can
leave anyway, and verify.py checks that the capture holds only connections to the server.
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
    "--disable-extensions", "--disable-component-extensions-with-background-pages",
    "--disable-background-networking", "--disable-sync", "--disable-component-update",
    "--disable-default-apps", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
    "--disable-breakpad", "--disable-crash-reporter", "--no-pings", "--no-service-autorun",
    "--metrics-recording-only", "--password-store=basic", "--use-mock-keychain", "--mute-audio",
    "--disable-features=HttpsUpgrades,HttpsFirstBalancedModeAutoEnable,OptimizationHints,"
    "MediaRouter,Translate,AutofillServerCommunication,NetworkTimeServiceQuerying,"
    "InterestFeedContentSuggestions,CertificateTransparencyComponentUpdater",
    "--enable-logging=stderr", "--v=0",
]


def page_line(line):
    """The page's console text in a Chromium log line, or None.
    Chromium writes: [pid:tid:date:INFO:CONSOLE(67)] "OSISCOPE-LOG {...}", source: URL (67)"""
    if ":CONSOLE" not in line:
        return None
    start = line.find('"OSISCOPE-')
    end = line.rfind('", source: ')
    if start < 0 or end < start:
        return None
    return line[start + 1:end]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--chromium", default="chromium")
    p.add_argument("--chromium-log", required=True, help="where Chromium's standard error goes")
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--linger", type=float, default=0.5,
                   help="seconds between the page's DONE and stopping Chromium")
    args = p.parse_args()

    # A fresh profile, and HOME inside it, so Chromium keeps nothing from an earlier run and
    # leaves nothing behind.
    profile = tempfile.mkdtemp(prefix="osiscope-chromium.")
    home = os.path.join(profile, "home")
    os.mkdir(home)
    env = {**os.environ, "HOME": home, "XDG_CONFIG_HOME": os.path.join(home, ".config"),
           "XDG_CACHE_HOME": os.path.join(home, ".cache")}
    cmd = [args.chromium, *FLAGS, f"--user-data-dir={os.path.join(profile, 'user-data')}", args.url]
    print("sio5_browser: " + " ".join(cmd), file=sys.stderr)
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True, text=True, errors="replace", env=env)
    entries, outcome, done = [], [], threading.Event()

    def reader():
        with open(args.chromium_log, "w") as raw:
            for line in proc.stderr:
                raw.write(line)
                raw.flush()
                text = page_line(line.rstrip("\n"))
                if text is None:
                    continue
                if text.startswith("OSISCOPE-LOG "):
                    entries.append(json.loads(text[len("OSISCOPE-LOG "):]))
                elif text.startswith(("OSISCOPE-DONE", "OSISCOPE-FAILED")):
                    outcome.append(text)
                    done.set()
                elif text.startswith("OSISCOPE-TRANSPORT "):
                    outcome.append(text)
        done.set()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    finished = done.wait(args.timeout)
    time.sleep(args.linger)

    # Stop Chromium: SIGTERM to the browser process (it shuts down its other processes and
    # closes its connections), then wait for every process of its group.
    status = proc.poll()
    if status is None:
        proc.send_signal(signal.SIGTERM)
        try:
            status = proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            sys.exit("sio5_browser: Chromium did not stop on SIGTERM")
    for _ in range(100):
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        sys.exit("sio5_browser: Chromium's child processes did not exit")
    thread.join(5)
    shutil.rmtree(profile, ignore_errors=True)

    with open(args.log, "w") as f:
        json.dump(entries, f, indent=2)
        f.write("\n")
    print(f"sio5_browser: Chromium exited with {status}; {len(entries)} log entries; "
          + "; ".join(outcome), file=sys.stderr)
    if not finished or not outcome or not any(o.startswith("OSISCOPE-DONE") for o in outcome):
        with open(args.chromium_log) as f:
            sys.stderr.write("".join(f.readlines()[-15:]))
        sys.exit("sio5_browser: the page did not finish" + (f": {outcome}" if outcome else
                                                             f" within {args.timeout} s"))


if __name__ == "__main__":
    main()
