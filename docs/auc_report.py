#!/usr/bin/env python3
"""Reproduces the ROC AUC table of docs/ANALYTICS.md against a running LRS.

Two simulated runs of the same courses (two cohorts, different seeds) go in through the xAPI
API with their outcomes. For each cutoff week, a model is trained on run 1 and evaluated on
run 2 at that week; a model trained at week 4 is also evaluated at every week.

    LRS_ADMIN_KEY=admin LRS_ADMIN_SECRET=change-me python3 docs/auc_report.py

Environment: URL (http://127.0.0.1:8080), LRS_BIN (target/release/lrs), COURSES (4),
LEARNERS (250), WEEKS (10). Use an LRS without other courses of the same catalogue.
"""

import base64
import json
import os
import subprocess
import sys
import time
import urllib.request

URL = os.environ.get("URL", "http://127.0.0.1:8080")
KEY = os.environ["LRS_ADMIN_KEY"]
SECRET = os.environ["LRS_ADMIN_SECRET"]
LRS = os.environ.get("LRS_BIN", "target/release/lrs")
COURSES = os.environ.get("COURSES", "4")
LEARNERS = os.environ.get("LEARNERS", "250")
WEEKS = os.environ.get("WEEKS", "10")
CUTOFFS = [2, 4, 8]
AUTH = "Basic " + base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(URL + path, data=data, method=method)
    request.add_header("Authorization", AUTH)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request) as response:
        return json.load(response)


def simulate(seed, run):
    subprocess.run(
        [LRS, "simulate", "--url", URL, "--courses", COURSES, "--learners", LEARNERS,
         "--weeks", WEEKS, "--seed", str(seed), "--run", str(run)],
        check=True,
    )


def courses_of_run(run):
    items, cursor = [], None
    while True:
        page = call("GET", "/analytics/courses?limit=1000" + (f"&cursor={cursor}" if cursor else ""))
        items += page["items"]
        cursor = page["next"]
        if not cursor:
            break
    return sorted(c["course"] for c in items if c["course"].endswith(f"/{run}"))


def main():
    simulate(seed=11, run=1)
    simulate(seed=12, run=2)
    while not call("GET", "/analytics/status")["up_to_date"]:
        time.sleep(0.5)
    train, test = courses_of_run(1), courses_of_run(2)
    print(f"training courses: {len(train)}, evaluation courses: {len(test)}")

    print("\nmodel trained and evaluated at the same cutoff week")
    print("| cutoff week | ROC AUC | precision | recall | Brier | learners |")
    print("|---|---|---|---|---|---|")
    week4_model = None
    for week in CUTOFFS:
        model = call("POST", "/analytics/models", {"courses": train, "cutoff_week": week})
        if week == 4:
            week4_model = model["id"]
        m = call("POST", f"/analytics/models/{model['id']}/evaluations",
                 {"courses": test, "cutoff_week": week})["metrics"]
        print(f"| {week} | {m['roc_auc']:.3f} | {m['precision']:.3f} | {m['recall']:.3f} "
              f"| {m['brier'] if m['brier'] is not None else float('nan'):.3f} | {m['rows']} ({m['unsuccessful']} unsuccessful) |")

    print("\nthe week-4 model evaluated at other weeks")
    print("| evaluated at week | ROC AUC |")
    print("|---|---|")
    for week in CUTOFFS:
        m = call("POST", f"/analytics/models/{week4_model}/evaluations",
                 {"courses": test, "cutoff_week": week})["metrics"]
        print(f"| {week} | {m['roc_auc']:.3f} |")


if __name__ == "__main__":
    sys.exit(main())
