#!/usr/bin/env python3
"""Cuts the Microsoft Graph v1.0 types pbx365 and its emulator use out of Microsoft's CSDL metadata.

Microsoft publishes Graph's schema as OData CSDL in github.com/microsoftgraph/msgraph-metadata:
`schemas/v1.0-Prod.csdl` (the worldwide cloud) and `schemas/v1.0-Mooncake.csdl` (the cloud
operated by 21Vianet). The whole files are megabytes of XML; the contract check
(`crates/graph-contract`) needs only the types below, so this script writes a compact JSON cut
of each into `spec/microsoft/`, recording the repository, commit and file it came from.

What the cut holds, per cloud:
- every entity type derived from `microsoft.graph.directoryObject` (what `/users`, `/groups`,
  `/applications`, `/servicePrincipals`, `/organization` and directory relations such as
  `members` and `memberOf` answer), plus the entity types in ROOTS;
- the base types of all of them, and every complex and enum type their structural properties
  use, with the types derived from those complex types (an `@odata.type` may name one);
- the entity sets and singletons of the service whose type is in the cut.
Navigation properties are listed with their type, but their target is only in the cut when it
is in the cut for another reason: the check names a missing target instead of guessing.

Usage (from the repository root):
    scripts/graph-contract/cut.py --source /path/to/msgraph-metadata [--commit REV] [--out spec/microsoft]
`--source` is a clone or a bare repository (read with `git show REV:schemas/…`); REV defaults to
HEAD and is recorded as the full commit hash.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPOSITORY = "microsoftgraph/msgraph-metadata"
CLOUDS = {
    "Prod": "schemas/v1.0-Prod.csdl",
    "Mooncake": "schemas/v1.0-Mooncake.csdl",
}
EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
# Entity types every derived type of which is in the cut.
FAMILIES = ["microsoft.graph.directoryObject"]
# Entity types pbx365 or the emulator reads or writes that are not directory objects.
ROOTS = [
    "microsoft.graph.appRoleAssignment",
    "microsoft.graph.contact",
    "microsoft.graph.profilePhoto",
]


class CutError(Exception):
    """The metadata does not have what the cut needs."""


def collection_item(type_name: str) -> tuple[str, bool]:
    """`Collection(x)` -> (`x`, True); `x` -> (`x`, False)."""
    if type_name.startswith("Collection(") and type_name.endswith(")"):
        return type_name[len("Collection(") : -1], True
    return type_name, False


class Metadata:
    """The types and container of one CSDL document, under their full names."""

    def __init__(self, xml_text: bytes | str):
        root = ET.fromstring(xml_text)
        self.aliases: dict[str, str] = {}
        schemas = list(root.iter(f"{EDM}Schema"))
        for schema in schemas:
            namespace = schema.get("Namespace", "")
            self.aliases[namespace] = namespace
            if schema.get("Alias"):
                self.aliases[schema.get("Alias")] = namespace
        self.types: dict[str, ET.Element] = {}
        self.container: ET.Element | None = None
        for schema in schemas:
            namespace = schema.get("Namespace", "")
            for element in schema:
                tag = element.tag.removeprefix(EDM)
                if tag in ("EntityType", "ComplexType", "EnumType", "TypeDefinition"):
                    self.types[f"{namespace}.{element.get('Name')}"] = element
                elif tag == "EntityContainer":
                    self.container = element

    def qualify(self, name: str) -> str:
        """`graph.user` -> `microsoft.graph.user`; `Collection(graph.x)` likewise; Edm types as they are."""
        item, many = collection_item(name)
        if not item.startswith("Edm."):
            prefix, _, last = item.rpartition(".")
            item = f"{self.aliases.get(prefix, prefix)}.{last}"
        return f"Collection({item})" if many else item

    def kind(self, name: str) -> str:
        return self.types[name].tag.removeprefix(EDM)

    def base(self, name: str) -> str | None:
        base = self.types[name].get("BaseType")
        return self.qualify(base) if base else None

    def derived(self, name: str) -> list[str]:
        """Every type whose base chain reaches `name`."""
        found = []
        for candidate in self.types:
            ancestor = self.base(candidate) if self.kind(candidate) != "EnumType" else None
            while ancestor is not None:
                if ancestor == name:
                    found.append(candidate)
                    break
                ancestor = self.base(ancestor) if ancestor in self.types else None
        return found


def closure(metadata: Metadata, roots: list[str]) -> list[str]:
    """The roots with their base types, property types and the types derived from complex ones."""
    wanted: list[str] = []
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in wanted or name.startswith("Edm."):
            continue
        if name not in metadata.types:
            raise CutError(f"{name} is not a type of this metadata")
        wanted.append(name)
        element = metadata.types[name]
        kind = metadata.kind(name)
        if kind == "TypeDefinition":
            pending.append(metadata.qualify(element.get("UnderlyingType", "")))
            continue
        if kind == "EnumType":
            continue
        base = metadata.base(name)
        if base:
            pending.append(base)
        for prop in element.findall(f"{EDM}Property"):
            pending.append(collection_item(metadata.qualify(prop.get("Type", "")))[0])
        if kind == "ComplexType":
            pending.extend(metadata.derived(name))
    return sorted(wanted)


def describe(metadata: Metadata, name: str) -> dict:
    element = metadata.types[name]
    kind = metadata.kind(name)
    if kind == "EnumType":
        out = {"kind": "enum", "members": [m.get("Name") for m in element.findall(f"{EDM}Member")]}
        if element.get("IsFlags") == "true":
            out["flags"] = True
        return out
    if kind == "TypeDefinition":
        return {"kind": "definition", "underlying": metadata.qualify(element.get("UnderlyingType", ""))}
    out: dict = {"kind": "entity" if kind == "EntityType" else "complex"}
    if metadata.base(name):
        out["base"] = metadata.base(name)
    if element.get("Abstract") == "true":
        out["abstract"] = True
    if element.get("OpenType") == "true":
        out["open"] = True
    out["properties"] = {
        p.get("Name"): metadata.qualify(p.get("Type", "")) for p in element.findall(f"{EDM}Property")
    }
    navigation = {
        p.get("Name"): metadata.qualify(p.get("Type", ""))
        for p in element.findall(f"{EDM}NavigationProperty")
    }
    if navigation:
        out["navigation"] = navigation
    return out


def cut(xml_text: bytes | str, source: dict) -> dict:
    """The compact contract of one CSDL document."""
    metadata = Metadata(xml_text)
    roots = []
    for family in FAMILIES:
        if family not in metadata.types:
            raise CutError(f"{family} is not a type of this metadata")
        roots.append(family)
        roots.extend(metadata.derived(family))
    roots.extend(ROOTS)
    names = closure(metadata, roots)
    container = {}
    if metadata.container is not None:
        for element in metadata.container:
            tag = element.tag.removeprefix(EDM)
            if tag == "EntitySet":
                target = metadata.qualify(element.get("EntityType", ""))
                if target in names:
                    container[element.get("Name")] = f"Collection({target})"
            elif tag == "Singleton":
                target = metadata.qualify(element.get("Type", ""))
                if target in names:
                    container[element.get("Name")] = target
    return {
        "source": dict(source, families=FAMILIES, roots=ROOTS),
        "container": dict(sorted(container.items())),
        "types": {name: describe(metadata, name) for name in names},
    }


def git(source: Path, *args: str) -> bytes:
    git_dir = source / ".git" if (source / ".git").exists() else source
    result = subprocess.run(
        ["git", f"--git-dir={git_dir}", *args], capture_output=True, check=False
    )
    if result.returncode != 0:
        raise CutError(f"git {' '.join(args)} in {source}: {result.stderr.decode().strip()}")
    return result.stdout


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True, type=Path, help="clone or bare repository of msgraph-metadata")
    parser.add_argument("--commit", default="HEAD", help="revision to read (default HEAD)")
    parser.add_argument("--out", default=Path("spec/microsoft"), type=Path, help="where the cuts are written")
    args = parser.parse_args(argv)
    try:
        commit = git(args.source, "rev-parse", "--verify", f"{args.commit}^{{commit}}").decode().strip()
        args.out.mkdir(parents=True, exist_ok=True)
        for cloud, file in CLOUDS.items():
            xml_text = git(args.source, "show", f"{commit}:{file}")
            source = {"repository": REPOSITORY, "commit": commit, "file": file}
            contract = cut(xml_text, source)
            target = args.out / f"graph-v1.0-{cloud}.json"
            target.write_text(json.dumps(contract, indent=1, ensure_ascii=False) + "\n")
            print(f"{target}: {len(contract['types'])} types from {file} at {commit}")
    except (CutError, ET.ParseError) as error:
        print(f"cut.py: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
