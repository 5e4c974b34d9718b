#!/usr/bin/env python3
"""Tests of footprint.py's reading and arithmetic (no app is started).

    python3 -B scripts/footprint/footprint_test.py     (`make dist-check` runs it)
"""

from __future__ import annotations

import unittest
from pathlib import Path

from footprint import (
    Config,
    FootprintError,
    Sample,
    descendants,
    goals,
    locked_versions,
    paint_report,
    PaintReport,
    parent_pid,
    process_kind,
    pss_kib,
    render_table,
    version_mismatches,
)

SMAPS_ROLLUP = """55d0c0a2b000-7ffd4a5f1000 ---p 00000000 00:00 0                          [rollup]
Rss:              176412 kB
Pss:              102340 kB
Pss_Anon:          61000 kB
Pss_File:          41340 kB
Shared_Clean:      80000 kB
"""

LOCK = """version = 4

[[package]]
name = "tauri"
version = "2.12.5"

[[package]]
name = "wry"
version = "0.57.1"

[[package]]
name = "toml"
version = "0.8.2"

[[package]]
name = "toml"
version = "0.9.8"
"""


def sample(first_paint_s: float, app_kib: int, web_kib: int = 0, page_start_s: float = 0.25) -> Sample:
    return Sample(first_paint_s, page_start_s, app_kib, web_kib, network_kib=1000, other_kib=0)


class Reading(unittest.TestCase):
    def test_pss_is_the_pss_line_not_rss_or_its_parts(self) -> None:
        self.assertEqual(pss_kib(SMAPS_ROLLUP), 102340)

    def test_a_rollup_without_pss_is_an_error(self) -> None:
        with self.assertRaises(FootprintError):
            pss_kib("Rss: 10 kB\n")

    def test_first_paint_lines_are_read_and_others_ignored(self) -> None:
        self.assertEqual(
            paint_report("first-paint 1765078245123.4 navigation-start 1765078244900.0\n"),
            PaintReport(painted_ms=1765078245123.4, navigation_start_ms=1765078244900.0),
        )
        self.assertIsNone(paint_report("2026-12-07T03:40:45Z INFO starting\n"))
        self.assertIsNone(paint_report("\n"))
        for malformed in ("first-paint soon navigation-start 1", "first-paint 1765078245123.4", "first-paint 1 2 3"):
            with self.assertRaises(FootprintError, msg=malformed):
                paint_report(malformed)

    def test_the_parent_pid_survives_a_name_with_spaces_and_parentheses(self) -> None:
        self.assertEqual(parent_pid("4242 (Web Content (x)) S 4100 4242 4100 0 -1"), 4100)

    def test_descendants_are_the_whole_subtree_and_nothing_else(self) -> None:
        parents = {10: 1, 11: 10, 12: 10, 13: 12, 20: 1, 21: 20}
        self.assertEqual(descendants(parents, 10), [11, 12, 13])
        self.assertEqual(descendants(parents, 13), [])

    def test_webkit_processes_are_told_apart_by_program_name(self) -> None:
        self.assertEqual(process_kind("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/WebKitWebProcess"), "web")
        self.assertEqual(process_kind("/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/WebKitNetworkProcess"), "network")
        self.assertEqual(process_kind("/usr/bin/xdg-dbus-proxy"), "other")


class Versions(unittest.TestCase):
    def test_every_locked_version_of_a_name_is_kept(self) -> None:
        self.assertEqual(locked_versions(LOCK)["toml"], {"0.8.2", "0.9.8"})

    def test_a_different_tauri_is_reported_and_a_missing_crate_too(self) -> None:
        root = locked_versions(LOCK)
        minimal = locked_versions(LOCK.replace('"2.12.5"', '"2.12.4"'))
        problems = version_mismatches(root, minimal)
        self.assertIn("tauri: pbx365 has 2.12.5, the minimal app 2.12.4", problems)
        minimal_without_wry = {name: v for name, v in minimal.items() if name != "wry"}
        self.assertIn("wry: pbx365 has 0.57.1, the minimal app none", version_mismatches(root, minimal_without_wry))

    def test_the_same_versions_agree(self) -> None:
        self.assertEqual(version_mismatches(locked_versions(LOCK), locked_versions(LOCK)), [])


class Table(unittest.TestCase):
    def setUp(self) -> None:
        self.minimal = Config("minimal", ["m"], Path("m.deb"), [sample(0.3, 40_000), sample(0.5, 60_000), sample(0.4, 50_000)])
        self.plain = Config(
            "pbx365",
            ["p"],
            Path("p.deb"),
            [sample(0.6, 70_000), sample(0.7, 64_000, page_start_s=0.3), sample(2.0, 66_000, page_start_s=1.2)],
        )
        self.demo = Config("pbx365 --demo", ["p", "--demo"], Path("p.deb"), [sample(0.8, 90_000)])
        self.sizes = {"minimal": 3_000_000, "pbx365": 11_000_000, "pbx365 --demo": 11_000_000}

    def test_medians_and_ratios_against_the_minimal_app(self) -> None:
        table = render_table(self.minimal, [self.plain, self.demo], self.sizes)
        lines = table.splitlines()
        self.assertEqual(lines[0], "|  | minimal | pbx365 | pbx365 / minimal | pbx365 --demo | pbx365 --demo / minimal |")
        self.assertIn("| .deb package (xz) | 3.0 MB | 11.0 MB | 3.67× | 11.0 MB | 3.67× |", lines)
        # medians: minimal 50,000 KiB, pbx365 66,000 KiB, demo 90,000 KiB
        self.assertIn("| app process PSS | 48.8 MiB | 64.5 MiB | 1.32× | 87.9 MiB | 1.80× |", lines)
        # the median ignores pbx365's one slow start (2.0 s)
        self.assertIn("| first paint after start | 0.40 s | 0.70 s | 1.75× | 0.80 s | 2.00× |", lines)
        # its parts, each a median of its own: pbx365's pages took 0.35, 0.40 and 0.80 s
        self.assertIn("| … of it the shell's: start to the page's navigation | 0.25 s | 0.30 s | 1.20× | 0.25 s | 1.00× |", lines)
        self.assertIn("| … of it the page's: navigation to first frame | 0.15 s | 0.40 s | 2.67× | 0.55 s | 3.67× |", lines)
        # the slow start the median hides is shown beside it
        self.assertEqual(
            lines[-1], "| first paint, fastest – slowest run | 0.30 s – 0.50 s | 0.60 s – 2.00 s |  | 0.80 s – 0.80 s |  |"
        )

    def test_goals_say_which_are_missed(self) -> None:
        verdicts = goals(self.minimal, self.plain, self.demo, self.sizes["pbx365"])
        self.assertTrue(verdicts[0].endswith("1.32× — NOT met"), verdicts[0])
        self.assertTrue(verdicts[1].endswith("0.80 s — met"), verdicts[1])
        self.assertTrue(verdicts[2].endswith("11.0 MB — met"), verdicts[2])
        slow_demo = Config("pbx365 --demo", [], Path("p.deb"), [sample(1.2, 90_000)])
        self.assertIn("1.20 s — NOT met", goals(self.minimal, self.plain, slow_demo, 16_000_000)[1])
        self.assertIn("16.0 MB — NOT met", goals(self.minimal, self.plain, slow_demo, 16_000_000)[2])


if __name__ == "__main__":
    unittest.main()
