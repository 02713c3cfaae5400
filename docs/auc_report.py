#!/usr/bin/env python3
"""Reproduces the ROC AUC table of docs/ANALYTICS.md against a running LRS.

Two simulated runs of the same courses (two cohorts, different seeds) go in through the xAPI
API with their rosters and outcomes. For each cutoff week, a model is trained on run 1 and
evaluated on run 2 at that week; a model trained at week 4 is also evaluated at every week.

With scikit-learn installed (pip install scikit-learn), it also fits the baseline the LRS's
model is measured against: a plain scikit-learn LogisticRegression on the raw counts of the
learner list as of the cutoff week (statements, active days, sessions, hours, completions,
successes, failures, attempts, distinct activities), trained on run 1 and evaluated on run 2,
with and without the learners the roster shows withdrawn before the cutoff.

    LRS_ADMIN_KEY=admin LRS_ADMIN_SECRET=change-me python3 docs/auc_report.py

Environment: URL (http://127.0.0.1:8080), LRS_BIN (target/release/lrs), COURSES (4),
LEARNERS (250), WEEKS (10), ALGORITHM (auto), SKIP_SIMULATE (1: the runs are in the LRS
already). Use an LRS without other courses of the same catalogue.
"""

import base64
import datetime
import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request

URL = os.environ.get("URL", "http://127.0.0.1:8080")
KEY = os.environ["LRS_ADMIN_KEY"]
SECRET = os.environ["LRS_ADMIN_SECRET"]
LRS = os.environ.get("LRS_BIN", "target/release/lrs")
COURSES = os.environ.get("COURSES", "4")
LEARNERS = os.environ.get("LEARNERS", "250")
WEEKS = os.environ.get("WEEKS", "10")
ALGORITHM = os.environ.get("ALGORITHM", "auto")
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


RAW_COUNTS = ["statements", "active_days", "sessions", "time_on_task_hours", "completions",
              "successes", "failures", "attempts", "distinct_activities"]


def learners_as_of(course, week):
    items, cursor = [], None
    while True:
        path = (f"/analytics/courses/learners?course={urllib.parse.quote(course, safe='')}"
                f"&as_of_week={week}&limit=10000" + (f"&cursor={cursor}" if cursor else ""))
        page = call("GET", path)
        items += page["items"]
        cursor = page["next"]
        if not cursor:
            return items


def withdrawn_before(course, week):
    """Learners the roster shows withdrawn before the end of `week`."""
    detail = call("GET", f"/analytics/courses/detail?course={urllib.parse.quote(course, safe='')}")
    start = datetime.date.fromisoformat(detail["start_date"])
    cutoff = datetime.datetime.combine(start + datetime.timedelta(days=7 * week),
                                       datetime.time(), datetime.timezone.utc)
    roster = call("GET", f"/analytics/courses/enrolments?course={urllib.parse.quote(course, safe='')}")
    return {r["learner"] for r in roster["items"]
            if r["withdrawn_at"] and datetime.datetime.fromisoformat(
                r["withdrawn_at"].replace("Z", "+00:00")) < cutoff}


def baseline_rows(courses, week, leave_out_early):
    x, y = [], []
    for course in courses:
        early = withdrawn_before(course, week) if leave_out_early else set()
        for item in learners_as_of(course, week):
            if item["outcome"] is None or item["learner"] in early:
                continue
            x.append([float(item[c] or 0) for c in RAW_COUNTS])
            y.append(item["outcome"] != "pass")
    return x, y


def baseline_auc(train, test, week, leave_out_early):
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    x, y = baseline_rows(train, week, leave_out_early)
    model = LogisticRegression(max_iter=5000).fit(x, y)
    tx, ty = baseline_rows(test, week, leave_out_early)
    return roc_auc_score(ty, model.predict_proba(tx)[:, 1])


def main():
    if os.environ.get("SKIP_SIMULATE") != "1":
        simulate(seed=11, run=1)
        simulate(seed=12, run=2)
    while not call("GET", "/analytics/status")["up_to_date"]:
        time.sleep(0.5)
    train, test = courses_of_run(1), courses_of_run(2)
    print(f"training courses: {len(train)}, evaluation courses: {len(test)}")

    try:
        import sklearn  # noqa: F401
        with_baseline = True
    except ImportError:
        with_baseline = False
        print("(scikit-learn is not installed: no baseline)")

    print("\nmodel trained and evaluated at the same cutoff week (learners withdrawn before the cutoff left out)")
    print("| cutoff week | ROC AUC | precision | recall | Brier | learners |")
    print("|---|---|---|---|---|---|")
    week4_model = None
    comparison = []
    for week in CUTOFFS:
        model = call("POST", "/analytics/models", {"courses": train, "cutoff_week": week,
                                                   "algorithm": ALGORITHM})
        print(f"  (week {week}: {model['algorithm']}; held out: {model['training'].get('algorithm_selection')})",
              file=sys.stderr)
        if week == 4:
            week4_model = model["id"]
        m = call("POST", f"/analytics/models/{model['id']}/evaluations",
                 {"courses": test, "cutoff_week": week})["metrics"]
        print(f"| {week} | {m['roc_auc']:.3f} | {m['precision']:.3f} | {m['recall']:.3f} "
              f"| {m['brier'] if m['brier'] is not None else float('nan'):.3f} | {m['rows']} ({m['unsuccessful']} unsuccessful) |")
        comparison.append((week, m["roc_auc"], m["including_early_withdrawals"]["roc_auc"],
                           m["excluded_early_withdrawals"]))

    if with_baseline:
        print("\nagainst scikit-learn's LogisticRegression on the raw counts (ROC AUC on run 2)")
        print("| cutoff week | LRS model, without early withdrawals | baseline, without | LRS model, with them | baseline, with | early withdrawals |")
        print("|---|---|---|---|---|---|")
        for week, without, including, excluded in comparison:
            b_without = baseline_auc(train, test, week, True)
            b_with = baseline_auc(train, test, week, False)
            print(f"| {week} | {without:.3f} | {b_without:.3f} | {including:.3f} | {b_with:.3f} | {excluded} |")

    print("\nthe week-4 model evaluated at other weeks")
    print("| evaluated at week | ROC AUC |")
    print("|---|---|")
    for week in CUTOFFS:
        m = call("POST", f"/analytics/models/{week4_model}/evaluations",
                 {"courses": test, "cutoff_week": week})["metrics"]
        print(f"| {week} | {m['roc_auc']:.3f} |")


if __name__ == "__main__":
    sys.exit(main())
