#!/usr/bin/env python3
"""Writes the invalid-input corpus: one file per validation code, each with exactly one defect.

`tests/invalid/<CODE>-<what>.json` must be rejected by `rebook validate` with that code (exit 2);
`tests/warnings/<CODE>-<what>.json` must be accepted (exit 0) with that warning. The base instance
below is valid and warning-free. Run `python3 tests/invalid/make_corpus.py` after editing.
"""
import copy
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
WARN = os.path.join(os.path.dirname(HERE), "warnings")

BASE = {
    "format": "rebook-instance/1",
    "trust": {"id": "RPA", "name": "Medway NHS Foundation Trust"},
    "timezone": "Europe/London",
    "horizon": {"start": "2016-04-28", "end": "2016-05-11"},
    "theatres": [{"id": "MMH-T1", "site": "Medway Maritime", "specialties": ["urology", "general_surgery"]}],
    "surgeons": [
        {"id": "S01", "specialties": ["urology"],
         "duties": [{"date": "2016-04-29", "start": "08:30", "end": "12:30", "kind": "clinic"}]},
        {"id": "S02", "specialties": ["general_surgery"]},
    ],
    "sessions": [
        {"id": "T1-0429-PM", "theatre": "MMH-T1", "date": "2016-04-29", "start": "13:30", "end": "17:30",
         "free_minutes": 150, "surgeon": "S01", "specialty": "urology"},
        {"id": "T1-0430-WLI", "theatre": "MMH-T1", "date": "2016-04-30", "start": "08:30", "end": "15:30",
         "surgeon": None, "open_cost": 200},
    ],
    "procedures": [
        {"id": "C0001", "patient": "pseudonym-0001", "specialty": "urology", "name": "TURP", "duration": 80,
         "surgeon": "S01", "priority": "P3", "referral": "2015-12-01", "listed": "2016-01-10",
         "original_date": "2016-04-26", "cancelled_on_day": False, "earliest": "2016-04-28",
         "deadline": None, "unavailable": []},
        {"id": "C0002", "specialty": "general_surgery", "name": "Inguinal hernia repair", "duration": 60,
         "surgeon": None, "priority": "P4", "deadline": "2016-05-11"},
    ],
}


def case(code, what, edit, folder=HERE, raw=None):
    inst = copy.deepcopy(BASE)
    if edit:
        edit(inst)
    text = raw if raw is not None else json.dumps(inst, indent=1) + "\n"
    with open(os.path.join(folder, f"{code}-{what}.json"), "w") as f:
        f.write(text)


def setp(path, value):
    def edit(inst):
        node = inst
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value
    return edit


def main():
    for folder in (HERE, WARN):
        os.makedirs(folder, exist_ok=True)
        for f in os.listdir(folder):
            if f.endswith(".json"):
                os.remove(os.path.join(folder, f))
    good = json.dumps(BASE, indent=1)
    case("E002", "truncated-json", None, raw=good[: len(good) // 2])
    case("E002", "unknown-field-typo", lambda i: i["procedures"][0].update({"durration": 80}))
    case("E002", "duration-is-text", setp(["procedures", 0, "duration"], "80 min"))
    case("E002", "missing-procedures", lambda i: i.pop("procedures"))
    case("E003", "wrong-format", setp(["format"], "rebook-instance/2"))
    case("E101", "duplicate-procedure-id", setp(["procedures", 1, "id"], "C0001"))
    case("E102", "unknown-theatre", setp(["sessions", 1, "theatre"], "MMH-T9"))
    case("E102", "unknown-named-surgeon", setp(["procedures", 0, "surgeon"], "S99"))
    case("E103", "american-date", setp(["sessions", 0, "date"], "04/29/2016"))
    case("E103", "time-without-colon", setp(["sessions", 0, "start"], "1330"))
    case("E104", "session-ends-before-start", setp(["sessions", 0, "end"], "12:00"))
    case("E105", "free-minutes-over-length", setp(["sessions", 0, "free_minutes"], 300))
    case("E106", "overlapping-sessions", lambda i: i["sessions"].append(
        {"id": "T1-0429-X", "theatre": "MMH-T1", "date": "2016-04-29", "start": "17:00", "end": "19:00"}))
    # A list outside the horizon is an error only when a case is booked into it (else W205).
    case("E107", "session-after-horizon", lambda i: (
        i["sessions"][1].update({"date": "2016-05-14"}),
        i["procedures"][1].update({"booked": {"session": "T1-0430-WLI"}})))
    case("E108", "deadline-no-session-can-meet", setp(["procedures", 1, "deadline"], "2016-04-29"))
    # Ignoring a list never hides a deadline: C0002's only list lies after the horizon (W205 too).
    case("E108", "deadline-case-only-list-after-horizon", setp(["sessions", 1, "date"], "2016-05-14"))
    case("E109", "deadline-before-earliest", lambda i: i["procedures"][0].update(
        {"earliest": "2016-05-05", "deadline": "2016-05-01"}))
    case("E110", "inverted-horizon", setp(["horizon", "end"], "2016-04-01"))
    case("E111", "negative-duration", setp(["procedures", 0, "duration"], -80))
    case("E111", "negative-open-cost", setp(["sessions", 1, "open_cost"], -5))
    case("E112", "shift-of-30-hours", lambda i: i.update({"rules": {"max_shift_hours": 30}}))
    case("E113", "unknown-timezone", setp(["timezone"], "Europe/Canterbury"))
    case("E114", "priority-P5", setp(["procedures", 0, "priority"], "P5"))
    case("E115", "empty-surgeon-id", lambda i: (i["surgeons"][1].update({"id": " "}),))
    # An owned list in a theatre not equipped for its specialty (an unowned, unbooked one is W206).
    case("E116", "theatre-not-equipped", setp(["theatres", 0, "specialties"], ["general_surgery"]))
    case("E117", "deadline-case-after-horizon", lambda i: i["procedures"][1].update(
        {"earliest": "2016-05-20", "deadline": "2016-05-25"}))
    case("E118", "times-cancelled-zero", setp(["procedures", 0, "times_cancelled"], 0))
    case("E119", "kept-booking-patient-away", lambda i: (
        i.update({"rules": {"keep_notified_days": 7}}),
        i["procedures"][0].update({"booked": {"session": "T1-0429-PM"}, "unavailable": ["2016-04-29"]})))
    case("E120", "kept-bookings-overfill-list", lambda i: (
        i.update({"rules": {"keep_notified_days": 7}}),
        i["procedures"][0].update({"booked": {"session": "T1-0429-PM", "notified": True}}),
        i["procedures"].append({"id": "C0003", "specialty": "urology", "duration": 80, "surgeon": "S01",
                                "priority": "P3", "booked": {"session": "T1-0429-PM"}, "times_cancelled": 2})))
    # Warnings: accepted, with the warning.
    case("W201", "roster-over-13h-shift", lambda i: i["surgeons"][0]["duties"].append(
        {"date": "2016-04-29", "start": "17:30", "end": "23:00", "kind": "on-call"}), WARN)
    case("W202", "no-session-ever-fits", setp(["procedures", 0, "duration"], 420), WARN)
    case("W203", "owner-unavailable", setp(["surgeons", 0, "unavailable"], ["2016-04-29"]), WARN)
    case("W204", "void-booking", setp(["procedures", 0, "booked"], {"session": "T1-0427-AM", "notified": True}), WARN)
    # Lists no case can use and no booking names: ignored, left out of the instance.
    case("W205", "list-after-horizon", lambda i: i["sessions"].append(
        {"id": "T1-0514-WLI", "theatre": "MMH-T1", "date": "2016-05-14", "start": "08:30", "end": "12:30"}), WARN)
    case("W205", "owned-list-before-horizon", lambda i: i["sessions"].append(
        {"id": "T1-0427-AM", "theatre": "MMH-T1", "date": "2016-04-27", "start": "08:30", "end": "12:30",
         "surgeon": "S01", "specialty": "urology"}), WARN)
    case("W206", "list-theatre-not-equipped", lambda i: i["sessions"].append(
        {"id": "T1-0503-OPH", "theatre": "MMH-T1", "date": "2016-05-03", "start": "08:30", "end": "12:30",
         "specialty": "ophthalmology"}), WARN)


main()
