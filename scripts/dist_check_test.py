#!/usr/bin/env python3
"""Proves that scripts/dist_check.py fails on broken packages, made from the ones in dist/.

    python3 scripts/dist_check_test.py     (after `make dist`; `make dist-check` runs both)
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

import dist_check
from dist_check import APP, ROOT, Report

DIST = ROOT / "dist"


def built(suffix: str) -> Path:
    packages = sorted(DIST.glob(f"*{suffix}"))
    if len(packages) != 1:
        raise AssertionError(f"expected one {suffix} in {DIST}: run `make dist` first")
    return packages[0]


class BrokenPackagesFail(unittest.TestCase):
    def setUp(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="dist-check-test-"))
        self.addCleanup(shutil.rmtree, self.tmp)
        self.version = dist_check.workspace_version()

    def unpacked(self, suffix: str) -> Path:
        tree = self.tmp / "tree"
        tree.mkdir()
        dist_check.unpack(built(suffix), tree)
        return tree

    def test_a_deb_without_the_cli_and_copyright_fails_the_file_check_and_lintian(self) -> None:
        raw = self.tmp / "raw"
        subprocess.run(["dpkg-deb", "-R", str(built(".deb")), str(raw)], check=True)
        (raw / "usr/bin/pbx365").unlink()
        (raw / f"usr/share/doc/{APP}/copyright").unlink()
        broken = self.tmp / f"{APP}_{self.version}_amd64.deb"
        # Fast compression: only the contents matter here.
        subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z1", "-b", str(raw),
                        str(broken)], check=True, capture_output=True)

        problems = "\n".join(dist_check.check_package(broken, self.version).problems)

        self.assertIn("usr/bin/pbx365 is missing", problems)
        self.assertIn("lintian found errors", problems)
        self.assertIn("no-copyright-file", problems)

    def test_a_package_at_the_size_limit_fails(self) -> None:
        deb = built(".deb")
        size = deb.stat().st_size
        at_limit, under_limit = Report(deb), Report(deb)

        dist_check.check_size(deb, at_limit, {".deb": size})
        dist_check.check_size(deb, under_limit, {".deb": size + 1})

        self.assertEqual(len(at_limit.problems), 1)
        self.assertIn("the limit is", at_limit.problems[0])
        self.assertEqual(under_limit.problems, [])

    def test_a_missing_icon_and_an_icon_of_the_wrong_size_fail(self) -> None:
        tree = self.unpacked(".rpm")
        hicolor = tree / "usr/share/icons/hicolor"
        (hicolor / f"48x48/apps/{APP}.png").unlink()
        shutil.copy(hicolor / f"16x16/apps/{APP}.png", hicolor / f"256x256/apps/{APP}.png")
        report = Report(built(".rpm"))

        dist_check.check_icons(tree, report)

        self.assertEqual(len(report.problems), 2, report.problems)
        self.assertIn(f"icon missing: usr/share/icons/hicolor/48x48/apps/{APP}.png", report.problems)
        self.assertIn("is (16, 16), not a 256x256 PNG", report.problems[1])

    def test_binaries_of_another_version_fail(self) -> None:
        tree = self.unpacked(".deb")
        report = Report(built(".deb"))

        dist_check.check_binaries(tree, "0.0.0-not-this-one", report)

        self.assertEqual(len(report.problems), 2, report.problems)
        self.assertIn(f"expected 'pbx365-setup 0.0.0-not-this-one'", report.problems[0])
        self.assertIn(f"expected 'pbx365 0.0.0-not-this-one'", report.problems[1])

    def test_an_invalid_desktop_entry_fails(self) -> None:
        tree = self.unpacked(".deb")
        (entry,) = (tree / "usr/share/applications").glob("*.desktop")
        lines = entry.read_text().splitlines()
        broken = [line for line in lines if not line.startswith("Type=")]
        broken = [("Exec=not-in-the-package" if line.startswith("Exec=") else line) for line in broken]
        entry.write_text("\n".join(broken) + "\n")
        report = Report(built(".deb"))

        dist_check.check_desktop_entry(tree, report)

        text = "\n".join(report.problems)
        self.assertIn("desktop-file-validate", text)
        self.assertIn('"Type"', text)
        self.assertIn("names no binary in usr/bin", text)

    def test_a_missing_man_page_and_another_binarys_page_fail(self) -> None:
        tree = self.unpacked(".rpm")
        man1 = tree / "usr/share/man/man1"
        shutil.move(man1 / "pbx365.1.gz", man1 / f"{APP}.1.gz")
        report = Report(built(".rpm"))

        dist_check.check_man_pages(tree, report)

        self.assertEqual(report.problems, [
            f"usr/share/man/man1/{APP}.1.gz is not the page of {APP} (no '.TH {APP} 1')",
            "man page missing: usr/share/man/man1/pbx365.1.gz",
        ])

    def test_a_changed_package_no_longer_matches_its_sum(self) -> None:
        copy = self.tmp / "dist"
        shutil.copytree(DIST, copy)
        with open(copy / built(".rpm").name, "ab") as rpm:
            rpm.write(b"\0")

        problems = dist_check.check_sums(copy)

        self.assertEqual(problems, [f"SHA256SUMS: the sum of {built('.rpm').name} does not match"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
