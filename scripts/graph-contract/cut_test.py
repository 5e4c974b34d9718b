#!/usr/bin/env python3
"""Unit test of cut.py on a small CSDL document: what is kept, what is left out, what is recorded."""

import sys
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import cut  # noqa: E402

CSDL = """<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="color"><Member Name="red" Value="0" /><Member Name="blue" Value="1" /></EnumType>
      <EntityType Name="entity" Abstract="true"><Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" /></EntityType>
      <EntityType Name="directoryObject" BaseType="graph.entity" OpenType="true">
        <Property Name="deletedDateTime" Type="Edm.DateTimeOffset" /></EntityType>
      <EntityType Name="user" BaseType="graph.directoryObject">
        <Property Name="favourite" Type="graph.color" />
        <Property Name="licenses" Type="Collection(graph.assignedLicense)" />
        <NavigationProperty Name="drive" Type="graph.drive" ContainsTarget="true" />
        <NavigationProperty Name="memberOf" Type="Collection(graph.directoryObject)" /></EntityType>
      <EntityType Name="drive" BaseType="graph.entity"><Property Name="quota" Type="graph.quota" /></EntityType>
      <EntityType Name="appRoleAssignment" BaseType="graph.directoryObject" />
      <EntityType Name="contact" BaseType="graph.entity" />
      <EntityType Name="profilePhoto" BaseType="graph.entity" />
      <ComplexType Name="assignedLicense"><Property Name="skuId" Type="Edm.Guid" /></ComplexType>
      <ComplexType Name="specialLicense" BaseType="graph.assignedLicense"><Property Name="note" Type="Edm.String" /></ComplexType>
      <ComplexType Name="quota"><Property Name="used" Type="Edm.Int64" /></ComplexType>
      <EntityContainer Name="GraphService">
        <EntitySet Name="users" EntityType="microsoft.graph.user" />
        <EntitySet Name="drives" EntityType="microsoft.graph.drive" />
        <Singleton Name="me" Type="microsoft.graph.user" />
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"""


class CutTest(unittest.TestCase):
    def setUp(self):
        self.cut = cut.cut(CSDL, {"repository": "r", "commit": "c" * 40, "file": "f.csdl"})

    def test_keeps_the_family_its_bases_and_the_complex_types_it_uses(self):
        self.assertEqual(
            sorted(self.cut["types"]),
            [
                "microsoft.graph.appRoleAssignment",
                "microsoft.graph.assignedLicense",
                "microsoft.graph.color",
                "microsoft.graph.contact",
                "microsoft.graph.directoryObject",
                "microsoft.graph.entity",
                "microsoft.graph.profilePhoto",
                "microsoft.graph.specialLicense",
                "microsoft.graph.user",
            ],
        )

    def test_navigation_targets_are_named_but_not_followed(self):
        user = self.cut["types"]["microsoft.graph.user"]
        self.assertEqual(user["navigation"]["drive"], "microsoft.graph.drive")
        self.assertNotIn("microsoft.graph.drive", self.cut["types"])
        self.assertEqual(self.cut["container"], {"me": "microsoft.graph.user", "users": "Collection(microsoft.graph.user)"})

    def test_types_are_written_with_full_names_bases_and_flags(self):
        types = self.cut["types"]
        self.assertEqual(types["microsoft.graph.user"]["base"], "microsoft.graph.directoryObject")
        self.assertEqual(types["microsoft.graph.user"]["properties"]["licenses"], "Collection(microsoft.graph.assignedLicense)")
        self.assertTrue(types["microsoft.graph.directoryObject"]["open"])
        self.assertTrue(types["microsoft.graph.entity"]["abstract"])
        self.assertEqual(types["microsoft.graph.color"], {"kind": "enum", "members": ["red", "blue"]})

    def test_records_where_it_came_from(self):
        source = self.cut["source"]
        self.assertEqual((source["repository"], source["commit"], source["file"]), ("r", "c" * 40, "f.csdl"))

    def test_a_missing_root_is_an_error(self):
        without = CSDL.replace('<EntityType Name="profilePhoto" BaseType="graph.entity" />', "")
        with self.assertRaisesRegex(cut.CutError, "profilePhoto"):
            cut.cut(without, {})


if __name__ == "__main__":
    unittest.main(verbosity=0)
