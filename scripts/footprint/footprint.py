#!/usr/bin/env python3
"""Measures pbx365 beside a minimal Tauri 2 app of the same versions (`make footprint`).

    footprint.py check-versions ROOT_LOCK MINIMAL_LOCK
    footprint.py measure --pbx365 BIN --pbx365-deb DEB --minimal BIN --minimal-deb DEB [--runs N]

`measure` runs under a display and a D-Bus session (scripts/footprint/run starts them). Each app
is started with PBX365_REPORT_FIRST_PAINT=1 and prints `first-paint <Unix ms> navigation-start
<Unix ms>` once its page has drawn its first frame (the page's own clock); the time from starting
the process to that moment is the first paint. The navigation start splits it into the shell's
part (process, window, WebKit's processes, up to the page's navigation) and the page's own (its
files, script, style and layout, up to the frame). IDLE_SECONDS after it, the proportional set size (PSS, from
/proc/<pid>/smaps_rollup) of the app process and of the WebKit processes under it is read.
Each of the three configurations (minimal, pbx365, pbx365 --demo) runs --runs times; the table
shows the medians.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shlex
import statistics
import subprocess
import sys
import threading
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

# The crates that make the window: pbx365 and the minimal app must use the same of each.
SHARED_CRATES = ("tauri", "tauri-runtime", "tauri-runtime-wry", "tauri-utils", "wry", "tao", "webkit2gtk")
IDLE_SECONDS = 10.0
FIRST_PAINT_TIMEOUT_SECONDS = 60.0
# The goals of issue 13.
APP_PSS_RATIO_GOAL = 1.3
FIRST_PAINT_GOAL_SECONDS = 1.0
DEB_GOAL_BYTES = 15 * 1000 * 1000


class FootprintError(Exception):
    """A measurement that could not be made; the message says what to do."""


# ---------------------------------------------------------------------------------------------
# Versions


def locked_versions(lock_text: str) -> dict[str, set[str]]:
    """Every package of a Cargo.lock, by name, with the versions it is locked at."""
    versions: dict[str, set[str]] = {}
    for package in tomllib.loads(lock_text).get("package", []):
        versions.setdefault(package["name"], set()).add(package["version"])
    return versions


def version_mismatches(root: dict[str, set[str]], minimal: dict[str, set[str]]) -> list[str]:
    """The shared crates whose locked versions differ between pbx365 and the minimal app."""
    problems = []
    for name in SHARED_CRATES:
        if root.get(name) != minimal.get(name):
            ours = ", ".join(sorted(root.get(name, set()))) or "none"
            theirs = ", ".join(sorted(minimal.get(name, set()))) or "none"
            problems.append(f"{name}: pbx365 has {ours}, the minimal app {theirs}")
    return problems


# ---------------------------------------------------------------------------------------------
# Reading the processes


def pss_kib(smaps_rollup: str) -> int:
    """The `Pss:` line of /proc/<pid>/smaps_rollup, in KiB."""
    for line in smaps_rollup.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[0] == "Pss:" and fields[2] == "kB":
            return int(fields[1])
    raise FootprintError("smaps_rollup has no `Pss: <n> kB` line (a kernel older than 4.14?)")


@dataclass(frozen=True)
class PaintReport:
    """A `first-paint <ms> navigation-start <ms>` line: Unix times in ms on the page's clock."""

    painted_ms: float
    navigation_start_ms: float


def paint_report(line: str) -> PaintReport | None:
    """The times of a `first-paint` line, None for any other line."""
    fields = line.split()
    if not fields or fields[0] != "first-paint":
        return None
    try:
        if len(fields) != 4 or fields[2] != "navigation-start":
            raise ValueError("expected `first-paint <ms> navigation-start <ms>`")
        return PaintReport(float(fields[1]), float(fields[3]))
    except ValueError as error:
        raise FootprintError(f"a malformed first-paint line: {line.strip()!r} ({error})") from error


def parent_pid(stat: str) -> int:
    """The parent's pid from /proc/<pid>/stat (the name in parentheses may hold spaces)."""
    return int(stat[stat.rindex(")") + 2 :].split()[1])


def descendants(parents: dict[int, int], root: int) -> list[int]:
    """Every process under `root` (children, grandchildren, …), given each pid's parent."""
    children: dict[int, list[int]] = {}
    for pid, parent in parents.items():
        children.setdefault(parent, []).append(pid)
    found, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return sorted(found)


def process_kind(argv0: str) -> str:
    """`web`, `network` or `other` for a process under the app, from its program's name."""
    name = os.path.basename(argv0)
    if name == "WebKitWebProcess":
        return "web"
    if name == "WebKitNetworkProcess":
        return "network"
    return "other"


def read_proc(pid: int, name: str) -> str:
    return Path(f"/proc/{pid}/{name}").read_text(errors="replace")


def process_parents() -> dict[int, int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = parent_pid(read_proc(int(entry.name), "stat"))
            except (OSError, ValueError):
                continue  # gone meanwhile
    return parents


# ---------------------------------------------------------------------------------------------
# One run


@dataclass
class Sample:
    first_paint_s: float
    page_start_s: float
    app_kib: int
    web_kib: int
    network_kib: int
    other_kib: int


@dataclass
class Config:
    label: str
    command: list[str]
    deb: Path
    samples: list[Sample] = field(default_factory=list)

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(sample, attribute) for sample in self.samples)

    def page_median(self) -> float:
        """The page's own part of the first paint: from its navigation start to its frame."""
        return statistics.median(sample.first_paint_s - sample.page_start_s for sample in self.samples)

    def first_paint_range(self) -> tuple[float, float]:
        values = [sample.first_paint_s for sample in self.samples]
        return min(values), max(values)


def run_once(command: list[str], env: dict[str, str], log: Path) -> Sample:
    with log.open("ab") as log_file:
        log_file.write(f"\n==> {shlex.join(command)}\n".encode())
        log_file.flush()
        started = time.time()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=log_file, env=env, text=True)
    painted: list[PaintReport] = []
    reported = threading.Event()

    def read_stdout() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            value = paint_report(line)
            if value is not None and not painted:
                painted.append(value)
                reported.set()

    threading.Thread(target=read_stdout, daemon=True).start()
    seen: set[int] = set()
    try:
        if not reported.wait(FIRST_PAINT_TIMEOUT_SECONDS):
            raise FootprintError(
                f"{shlex.join(command)} reported no first paint in {FIRST_PAINT_TIMEOUT_SECONDS:.0f} s"
                f" (exit status {process.poll()}); its output is in {log}"
            )
        time.sleep(IDLE_SECONDS)
        if process.poll() is not None:
            raise FootprintError(f"{shlex.join(command)} exited ({process.returncode}) while idle; see {log}")
        kinds = {"web": 0, "network": 0, "other": 0}
        children = descendants(process_parents(), process.pid)
        seen.update(children)
        for pid in children:
            try:
                argv0 = read_proc(pid, "cmdline").split("\0")[0]
                kinds[process_kind(argv0)] += pss_kib(read_proc(pid, "smaps_rollup"))
            except OSError:
                continue  # exited meanwhile: it holds nothing now
        app = pss_kib(read_proc(process.pid, "smaps_rollup"))
        report = painted[0]
        return Sample(
            report.painted_ms / 1000 - started,
            report.navigation_start_ms / 1000 - started,
            app,
            kinds["web"],
            kinds["network"],
            kinds["other"],
        )
    finally:
        stop(process, seen)


def stop(process: subprocess.Popen[str], children: set[int]) -> None:
    """Ends the app, then any of its processes it left behind (only those, by pid)."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    for pid in children:
        try:
            os.kill(pid, 9)
        except ProcessLookupError:
            pass


# ---------------------------------------------------------------------------------------------
# The table


def mib(kib: float) -> str:
    return f"{kib / 1024:.1f} MiB"


def megabytes(size: float) -> str:
    return f"{size / 1e6:.1f} MB"


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def ratio(value: float, baseline: float) -> str:
    return f"{value / baseline:.2f}×" if baseline > 0 else "n/a"


ROWS = (
    ("app process PSS", lambda c: c.median("app_kib"), mib),
    ("WebKitWebProcess PSS", lambda c: c.median("web_kib"), mib),
    ("WebKitNetworkProcess PSS", lambda c: c.median("network_kib"), mib),
    (
        "all processes PSS",
        lambda c: statistics.median(s.app_kib + s.web_kib + s.network_kib + s.other_kib for s in c.samples),
        mib,
    ),
    ("first paint after start", lambda c: c.median("first_paint_s"), seconds),
    ("… of it the shell's: start to the page's navigation", lambda c: c.median("page_start_s"), seconds),
    ("… of it the page's: navigation to first frame", Config.page_median, seconds),
)


def render_table(minimal: Config, others: list[Config], deb_sizes: dict[str, int]) -> str:
    header = ["", minimal.label]
    for config in others:
        header += [config.label, f"{config.label} / minimal"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]

    def row(name: str, value, fmt) -> str:
        base = value(minimal)
        cells = [name, fmt(base)]
        for config in others:
            cells += [fmt(value(config)), ratio(value(config), base)]
        return "| " + " | ".join(cells) + " |"

    lines.append(row(".deb package (xz)", lambda c: deb_sizes[c.label], megabytes))
    lines += [row(name, value, fmt) for name, value, fmt in ROWS]
    ranges = [minimal.first_paint_range()] + [config.first_paint_range() for config in others]
    cells = ["first paint, fastest – slowest run"]
    for index, (fastest, slowest) in enumerate(ranges):
        cells.append(f"{seconds(fastest)} – {seconds(slowest)}")
        if index:
            cells.append("")
    lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def goals(minimal: Config, plain: Config, demo: Config, deb_bytes: int) -> list[str]:
    """Issue 13's goals, each met or not, with the measured value."""
    app_ratio = plain.median("app_kib") / minimal.median("app_kib")
    slowest = max(plain.median("first_paint_s"), demo.median("first_paint_s"))

    def verdict(met: bool) -> str:
        return "met" if met else "NOT met"

    return [
        f"- app process PSS without --demo within {APP_PSS_RATIO_GOAL}× of the minimal app's:"
        f" {app_ratio:.2f}× — {verdict(app_ratio <= APP_PSS_RATIO_GOAL)}",
        f"- first paint under {FIRST_PAINT_GOAL_SECONDS:.0f} s (with and without --demo): {slowest:.2f} s"
        f" — {verdict(slowest < FIRST_PAINT_GOAL_SECONDS)}",
        f"- .deb under {megabytes(DEB_GOAL_BYTES)}: {megabytes(deb_bytes)} — {verdict(deb_bytes < DEB_GOAL_BYTES)}",
    ]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}"


# ---------------------------------------------------------------------------------------------
# Commands


def check_versions(root_lock: Path, minimal_lock: Path) -> int:
    problems = version_mismatches(
        locked_versions(root_lock.read_text()), locked_versions(minimal_lock.read_text())
    )
    if problems:
        print(
            "footprint: the minimal app is not built from the versions pbx365 is:\n  "
            + "\n  ".join(problems)
            + f"\nRenew its lock file: cp {root_lock} {minimal_lock} && cargo metadata --offline"
            f" --format-version 1 --manifest-path {minimal_lock.parent / 'Cargo.toml'} >/dev/null",
            file=sys.stderr,
        )
        return 1
    return 0


def measure(args: argparse.Namespace) -> int:
    # Xvfb has no GPU: with compositing on, WebKit draws through Mesa's software GL, which costs
    # the web process some 65 MiB that a desktop's GPU driver does not cost the same way. The
    # desktop tests (make desktop-e2e) turn it off for the same display.
    env = dict(os.environ, PBX365_REPORT_FIRST_PAINT="1", NO_AT_BRIDGE="1", WEBKIT_DISABLE_COMPOSITING_MODE="1")
    log = Path(args.log)
    log.write_text("")
    minimal = Config("minimal", [args.minimal], Path(args.minimal_deb))
    plain = Config("pbx365", [args.pbx365], Path(args.pbx365_deb))
    demo = Config("pbx365 --demo", [args.pbx365, "--demo"], Path(args.pbx365_deb))
    configs = [minimal, plain, demo]
    # Interleaved, so a burst of load from elsewhere on the machine falls on every app alike.
    for run in range(args.runs):
        for config in configs:
            sample = run_once(config.command, env, log)
            config.samples.append(sample)
            print(
                f"footprint: run {run + 1}/{args.runs} {config.label}: first paint {sample.first_paint_s:.2f} s"
                f" (page from {sample.page_start_s:.2f} s),"
                f" app {mib(sample.app_kib)}, web {mib(sample.web_kib)}, network {mib(sample.network_kib)}",
                file=sys.stderr,
            )
    deb_sizes = {config.label: config.deb.stat().st_size for config in configs}
    today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(render_table(minimal, [plain, demo], deb_sizes))
    print()
    print(
        f"Measured {today} on {machine()} (load average {load} at the end), under Xvfb with"
        f" WEBKIT_DISABLE_COMPOSITING_MODE=1; medians of {args.runs} runs; PSS {IDLE_SECONDS:.0f} s after"
        " the first paint. Goals:"
    )
    print("\n".join(goals(minimal, plain, demo, deb_sizes[plain.label])))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    versions = commands.add_parser("check-versions")
    versions.add_argument("root_lock", type=Path)
    versions.add_argument("minimal_lock", type=Path)
    run = commands.add_parser("measure")
    run.add_argument("--pbx365", required=True)
    run.add_argument("--pbx365-deb", required=True)
    run.add_argument("--minimal", required=True)
    run.add_argument("--minimal-deb", required=True)
    run.add_argument("--runs", type=int, default=7)
    run.add_argument("--log", required=True, help="where the apps' stderr goes")
    args = parser.parse_args()
    try:
        if args.command == "check-versions":
            return check_versions(args.root_lock, args.minimal_lock)
        return measure(args)
    except FootprintError as error:
        print(f"footprint: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
