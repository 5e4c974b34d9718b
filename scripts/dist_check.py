#!/usr/bin/env python3
"""Checks the Linux packages `make dist` wrote to dist/, without installing them.

    python3 scripts/dist_check.py [DIST_DIR]

Each package is unpacked into a temporary folder (.deb with `dpkg-deb -x`, .rpm with
`rpm2cpio | cpio -idm`). Then, for each: both binaries are there and print the workspace's version
with `--version`; the .desktop entry passes `desktop-file-validate` and starts a binary of the
package; the app icon is there at every size a desktop asks for; each binary has its gzipped man
page; the package is smaller than the limit. The .deb also passes `lintian` without errors, and
SHA256SUMS matches the files.
Every problem found is printed, not only the first; the exit code is 1 when there is any.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = "pbx365-setup"
CLI = "pbx365"
# The hicolor sizes desktops look up (launcher, menu, task switcher, HiDPI).
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# The goal in issue 13: the .deb under 15 MB. The .rpm carries the same files, less compressed.
MAX_BYTES = {".deb": 15_000_000, ".rpm": 25_000_000}


@dataclass
class Report:
    package: Path
    problems: list[str] = field(default_factory=list)

    def fail(self, problem: str) -> None:
        self.problems.append(problem)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)


def workspace_version() -> str:
    with open(ROOT / "Cargo.toml", "rb") as manifest:
        return tomllib.load(manifest)["workspace"]["package"]["version"]


def unpack(package: Path, into: Path) -> None:
    if package.suffix == ".deb":
        result = run(["dpkg-deb", "-x", str(package), str(into)])
    else:
        # rpm2cpio writes the payload to stdout; cpio unpacks it relative to its working folder.
        # Debian's rpm2cpio (4.18) exits 1 after writing the whole payload of the bundler's rpm,
        # so cpio's status tells whether the archive was complete; the file checks that follow
        # tell whether anything is missing.
        with subprocess.Popen(["rpm2cpio", str(package.resolve())], stdout=subprocess.PIPE) as rpm2cpio:
            result = run(["cpio", "-idm", "--quiet"], stdin=rpm2cpio.stdout, cwd=into)
    if result.returncode != 0:
        raise RuntimeError(f"could not unpack {package}: {result.stderr.strip()}")


def png_size(path: Path) -> tuple[int, int] | None:
    header = path.read_bytes()[:24]
    if header[:8] != b"\x89PNG\r\n\x1a\n" or header[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def check_binaries(tree: Path, version: str, report: Report) -> None:
    for name in (APP, CLI):
        binary = tree / "usr/bin" / name
        if not binary.is_file():
            report.fail(f"usr/bin/{name} is missing")
            continue
        if not os.access(binary, os.X_OK):
            report.fail(f"usr/bin/{name} is not executable")
            continue
        # The app prints its version and exits before it opens a window, so no display is needed.
        result = run([str(binary), "--version"], timeout=30, env={**os.environ, "DISPLAY": ""})
        expected = f"{name} {version}"
        if result.returncode != 0 or result.stdout.strip() != expected:
            report.fail(
                f"usr/bin/{name} --version printed {result.stdout.strip()!r} (exit code "
                f"{result.returncode}, stderr {result.stderr.strip()!r}), expected {expected!r}"
            )


def desktop_entry_values(entry: Path) -> dict[str, str]:
    values = {}
    for line in entry.read_text().splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.startswith("#"):
            values.setdefault(key.strip(), value.strip())
    return values


def check_desktop_entry(tree: Path, report: Report) -> None:
    entries = sorted((tree / "usr/share/applications").glob("*.desktop"))
    if len(entries) != 1:
        report.fail(f"expected one .desktop entry in usr/share/applications, found {len(entries)}")
        return
    entry = entries[0]
    result = run(["desktop-file-validate", str(entry)])
    if result.returncode != 0 or result.stdout.strip():
        report.fail(f"desktop-file-validate {entry.name}: {(result.stdout + result.stderr).strip()}")
    values = desktop_entry_values(entry)
    program = values.get("Exec", "").split(" ")[0]
    if not (tree / "usr/bin" / Path(program).name).is_file():
        report.fail(f"{entry.name}: Exec={values.get('Exec')!r} names no binary in usr/bin")
    icon = values.get("Icon")
    if icon != APP:
        report.fail(f"{entry.name}: Icon={icon!r}, expected {APP!r} (the installed icon's name)")


def check_icons(tree: Path, report: Report) -> None:
    hicolor = tree / "usr/share/icons/hicolor"
    for size in ICON_SIZES:
        icon = hicolor / f"{size}x{size}/apps/{APP}.png"
        if not icon.is_file():
            report.fail(f"icon missing: {icon.relative_to(tree)}")
            continue
        actual = png_size(icon)
        if actual != (size, size):
            report.fail(f"{icon.relative_to(tree)} is {actual}, not a {size}x{size} PNG")


def check_man_pages(tree: Path, report: Report) -> None:
    # Each binary's page, gzipped as Debian policy asks, and the page of that binary.
    for name in (APP, CLI):
        page = tree / f"usr/share/man/man1/{name}.1.gz"
        if not page.is_file():
            report.fail(f"man page missing: {page.relative_to(tree)}")
            continue
        try:
            text = gzip.decompress(page.read_bytes()).decode()
        except (OSError, UnicodeDecodeError) as error:
            report.fail(f"{page.relative_to(tree)} is not a gzipped text page: {error}")
            continue
        if f"\n.TH {name} 1 " not in text:
            report.fail(f"{page.relative_to(tree)} is not the page of {name} (no '.TH {name} 1')")


def check_size(package: Path, report: Report, limits: dict[str, int] = MAX_BYTES) -> None:
    limit = limits[package.suffix]
    size = package.stat().st_size
    if size >= limit:
        report.fail(f"{package.name} is {size:,} bytes, the limit is {limit:,}")


def check_lintian(package: Path, report: Report) -> None:
    # Errors fail; warnings are shown (the .deb has none today: no overrides are shipped). An
    # override would go into the package with its reason, as Debian policy asks.
    result = run(["lintian", "--fail-on", "error", "--tag-display-limit", "0", str(package)])
    if result.returncode != 0:
        report.fail(f"lintian found errors in {package.name}:\n{result.stdout}{result.stderr}".rstrip())
    elif result.stdout.strip():
        print(f"lintian (not errors) for {package.name}:\n{result.stdout.rstrip()}")


def check_tree(tree: Path, version: str, report: Report) -> None:
    check_binaries(tree, version, report)
    check_desktop_entry(tree, report)
    check_icons(tree, report)
    check_man_pages(tree, report)


def check_package(package: Path, version: str) -> Report:
    report = Report(package)
    check_size(package, report)
    with tempfile.TemporaryDirectory(prefix="dist-check-") as tmp:
        unpack(package, Path(tmp))
        check_tree(Path(tmp), version, report)
    if package.suffix == ".deb":
        check_lintian(package, report)
    return report


def check_sums(dist: Path) -> list[str]:
    sums = dist / "SHA256SUMS"
    if not sums.is_file():
        return [f"{sums} is missing"]
    problems = []
    listed = set()
    for line in sums.read_text().splitlines():
        digest, _, name = line.partition("  ")
        listed.add(name)
        path = dist / name
        if not path.is_file():
            problems.append(f"SHA256SUMS lists {name}, which is not in {dist}")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            problems.append(f"SHA256SUMS: the sum of {name} does not match")
    for package in packages_in(dist):
        if package.name not in listed:
            problems.append(f"SHA256SUMS has no sum for {package.name}")
    return problems


def packages_in(dist: Path) -> list[Path]:
    return sorted([*dist.glob("*.deb"), *dist.glob("*.rpm")])


def main(argv: list[str]) -> int:
    dist = Path(argv[1]) if len(argv) > 1 else ROOT / "dist"
    packages = packages_in(dist)
    kinds = sorted(package.suffix for package in packages)
    if kinds != [".deb", ".rpm"]:
        print(f"dist-check: expected one .deb and one .rpm in {dist}, found {kinds}; run `make dist`",
              file=sys.stderr)
        return 1
    version = workspace_version()
    failed = False
    for problem in check_sums(dist):
        print(f"FAIL {problem}", file=sys.stderr)
        failed = True
    for package in packages:
        report = check_package(package, version)
        for problem in report.problems:
            print(f"FAIL {package.name}: {problem}", file=sys.stderr)
        failed |= bool(report.problems)
        if not report.problems:
            print(f"ok   {package.name} ({package.stat().st_size:,} bytes)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
