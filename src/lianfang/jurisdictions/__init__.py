"""The jurisdiction tree: city → district (区) → street/town (街乡镇) → community/village (社区(村)).

Flat module. Public verbs (service): create_jurisdiction, update_jurisdiction, import_tree.
Scope helpers (access): subtree_filter, access_jurisdiction. Export (exports): export_subtree.
Publishes: JurisdictionsImported (no subscriber yet). Consumes: nothing.
"""
