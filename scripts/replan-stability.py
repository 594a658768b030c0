#!/usr/bin/env python3
"""Stability of re-planning after a second strike (issue 12), measured on a batch.

    scripts/replan-stability.py [--batch instances/kent-2016-04] [--today 2016-05-05]
        [--strike-dates 2016-05-12,2016-05-13] [--share 0.4] [--seed 2023]
        [--keep-notified-days 14] [--time-limit 30] [--out out/replan-stability]

1. Publish: `rebook solve BATCH --strategy mip` (the plan patients were told).
2. The next strike: `rebook restrike BATCH PUBLISHED --today ... --strike-dates ... --share ...`
   (lists lost on the strike days, their bookings void; every other booking carried, notified).
3. Re-plan the re-planning batch with each strategy (bookings kept where they can be), and the
   same cases from a blank sheet (the same instances with every `booked` removed: what rebook did
   before section 8).
4. Judge every plan against the re-planning instance: `rebook check` recomputes its objective
   there (with the moved costs), and the counts below come from the plan and the instance.

Prints a Markdown table per strategy and mode (totals over the trusts), and writes it with the
per-trust rows as JSON beside the plans. Release binary: target/release/rebook.
"""
import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("REBOOK", os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "rebook"))


def run(*args):
    r = subprocess.run([BIN, *args], capture_output=True, text=True)
    if r.returncode not in (0,):
        sys.stderr.write(r.stdout + r.stderr)
        raise SystemExit(f"rebook {' '.join(args)} exited {r.returncode}")
    return r.stdout


def instances(folder):
    return sorted(f for f in os.listdir(folder) if f.endswith(".json") and not f.endswith(".schedule.json")
                  and f not in ("summary.json",))


def judge(inst_path, plan_path):
    """Counts of one plan against the re-planning instance (independent of the strategy)."""
    inst = json.load(open(inst_path))
    plan = json.load(open(plan_path))
    sessions = {s["id"]: s for s in inst["sessions"]}
    placed = {a["procedure"]: a for a in plan["assignments"]}
    keep_days = (inst.get("rules") or {}).get("keep_notified_days")
    start = dt.date.fromisoformat(inst["horizon"]["start"])
    c = dict(cases=len(inst["procedures"]), scheduled=len(placed), bookings=0, kept=0,
             moved_notified=0, moved_unnotified=0, void=0, kept_rule_broken=0,
             twice_cancelled=0, twice_cancelled_past_28=0)
    for p in inst["procedures"]:
        b = p.get("booked")
        a = placed.get(p["id"])
        if (p.get("times_cancelled") or 1) >= 2:
            c["twice_cancelled"] += 1
            if a and p.get("original_date"):
                late = dt.date.fromisoformat(a["date"]) - dt.date.fromisoformat(p["original_date"])
                c["twice_cancelled_past_28"] += late.days > 28
        if not b:
            continue
        c["bookings"] += 1
        if b["session"] not in sessions:
            c["void"] += 1
            continue
        notified = b.get("notified", True)
        if a and a["session"] == b["session"]:
            c["kept"] += 1
        else:
            c["moved_notified" if notified else "moved_unnotified"] += 1
            if notified and keep_days is not None:
                d = dt.date.fromisoformat(sessions[b["session"]]["date"])
                c["kept_rule_broken"] += (d - start).days < keep_days
    out = subprocess.run([BIN, "check", inst_path, plan_path], capture_output=True, text=True).stdout
    m = re.search(r"recomputed (-?\d+)", out)
    c["objective"] = int(m.group(1)) if m else None
    moved = (inst.get("objective") or {}).get("moved") or {}
    moved_cost = (c["moved_notified"] * moved.get("notified", 100)
                  + c["moved_unnotified"] * moved.get("unnotified", 0))
    # What the plan costs in waits, breaches, unscheduled cases and lists: the objective less the
    # price of moving booked patients.
    c["objective_without_moved"] = c["objective"] - moved_cost if c["objective"] is not None else None
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--batch", default=os.path.join(ROOT, "instances", "kent-2016-04"))
    ap.add_argument("--today", default="2016-05-05")
    ap.add_argument("--strike-dates", default="2016-05-12,2016-05-13")
    ap.add_argument("--share", default="0.4")
    ap.add_argument("--seed", default="2023")
    ap.add_argument("--keep-notified-days", default="14")
    ap.add_argument("--time-limit", default="30")
    ap.add_argument("--strategies", default="fifo,priority,mip")
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "replan-stability"))
    a = ap.parse_args()
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    published = os.path.join(a.out, "published")
    replan = os.path.join(a.out, "replan")
    blank = os.path.join(a.out, "blank")
    run("solve", a.batch, "--strategy", "mip", "--time-limit", a.time_limit, "--quiet", "--out", published)
    run("restrike", a.batch, published, "--today", a.today, "--strike-dates", a.strike_dates,
        "--share", a.share, "--seed", a.seed, "--keep-notified-days", a.keep_notified_days, "--out", replan)
    os.makedirs(blank)
    for f in instances(replan):
        inst = json.load(open(os.path.join(replan, f)))
        for p in inst["procedures"]:
            p.pop("booked", None)
        (inst.get("rules") or {}).pop("keep_notified_days", None)
        json.dump(inst, open(os.path.join(blank, f), "w"), indent=2)
    rows = []
    for strategy in a.strategies.split(","):
        for mode, folder in (("re-plan", replan), ("blank sheet", blank)):
            plans = os.path.join(a.out, f"{strategy}-{mode.replace(' ', '-')}")
            run("solve", folder, "--strategy", strategy, "--time-limit", a.time_limit, "--quiet", "--out", plans)
            summary = json.load(open(os.path.join(plans, "summary.json")))
            for f in instances(replan):
                stem = None
                for r in summary["trusts"] if "trusts" in summary else summary["rows"]:
                    if os.path.basename(r.get("file", "")) == f:
                        stem = r.get("plan") or r.get("trust")
                plan = os.path.join(plans, f"{stem}.schedule.json")
                c = judge(os.path.join(replan, f), plan)
                rows.append(dict(strategy=strategy, mode=mode, trust=f, **c))
    json.dump(rows, open(os.path.join(a.out, "stability.json"), "w"), indent=2)
    keys = ["cases", "scheduled", "bookings", "kept", "moved_notified", "moved_unnotified", "void",
            "kept_rule_broken", "twice_cancelled", "twice_cancelled_past_28", "objective",
            "objective_without_moved"]
    print("| strategy | mode | " + " | ".join(keys) + " |")
    print("|---|---|" + "---|" * len(keys))
    for strategy in a.strategies.split(","):
        for mode in ("re-plan", "blank sheet"):
            sel = [r for r in rows if r["strategy"] == strategy and r["mode"] == mode]
            tot = {k: sum(r[k] for r in sel if r[k] is not None) for k in keys}
            print(f"| {strategy} | {mode} | " + " | ".join(f"{tot[k]:,}" for k in keys) + " |")


if __name__ == "__main__":
    main()
