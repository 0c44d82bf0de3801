"""Start-up cost: what a plain scan imports, and the derived data that spares work (the policy
catalog's index and cache, the functions' arity) giving the same results as the slow path."""
import inspect
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from checker.hcl import functions
from checker.policy import loader

ROOT = Path(__file__).resolve().parent.parent
TERRAFORM = '''
resource "google_storage_bucket" "records" {
  name     = "customer-records"
  location = "EU"
}
'''


def test_catalog_index_is_up_to_date():
    committed = (loader.builtin_policy_dir() / loader.CATALOG_INDEX).read_text(encoding="utf-8")
    assert committed == loader.catalog_index(), "policies/catalog.json is stale: run `pdguard policies docs`"


def _parsed(folder: Path) -> dict:
    path = folder / "policy.yaml"
    return loader._parse_yaml(path.read_bytes(), path)


def test_indexed_catalog_equals_the_parsed_one(monkeypatch):
    def refuse(raw, path):
        raise AssertionError(f"{path} parsed although the index holds it")
    expected = {p.id: _parsed(p.folder) for p in loader.load_policies()}
    monkeypatch.setattr(loader, "_parse_yaml", refuse)
    indexed = {p.id: p.meta for p in loader.load_policies()}
    assert indexed == expected
    assert all(list(indexed[k]) == list(expected[k]) for k in expected)   # key order too


@pytest.fixture
def catalog(tmp_path, monkeypatch):
    """A copy of the catalog, used as the built-in one."""
    copy = tmp_path / "policies"
    shutil.copytree(loader.builtin_policy_dir(), copy, ignore=shutil.ignore_patterns("fixtures", "__pycache__"))
    monkeypatch.setattr(loader, "builtin_policy_dir", lambda: copy)
    monkeypatch.setenv("PDGUARD_CACHE_DIR", str(tmp_path / "cache"))
    return copy


def _count_parses(monkeypatch) -> list:
    parsed = []
    original = loader._parse_yaml

    def counting(raw, path):
        parsed.append(Path(path).parent.name)
        return original(raw, path)
    monkeypatch.setattr(loader, "_parse_yaml", counting)
    return parsed


def test_an_edited_policy_is_read_from_its_file_not_the_index(catalog, monkeypatch):
    path = catalog / "PDG101" / "policy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Edited. ", 1), encoding="utf-8")
    parsed = _count_parses(monkeypatch)
    policies = {p.id: p for p in loader.load_policies()}
    assert policies["PDG101"].title.startswith("Edited. ")
    assert parsed == ["PDG101"]


def test_without_index_the_catalog_is_cached_by_content(catalog, monkeypatch, tmp_path):
    (catalog / loader.CATALOG_INDEX).unlink()
    parsed = _count_parses(monkeypatch)
    first = loader.load_policies()
    assert len(parsed) == len(first)
    parsed.clear()
    assert [p.meta for p in loader.load_policies()] == [p.meta for p in first]
    assert parsed == []                                  # served from the cache
    path = catalog / "PDG201" / "policy.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Changed. ", 1), encoding="utf-8")
    changed = {p.id: p for p in loader.load_policies()}
    assert changed["PDG201"].title.startswith("Changed. ") and parsed   # a changed file misses
    shutil.rmtree(tmp_path / "cache")                    # safe to delete
    parsed.clear()
    assert {p.id: p.meta for p in loader.load_policies()} == {p.id: p.meta for p in changed.values()}
    assert parsed


def test_catalog_cache_off(catalog, monkeypatch, tmp_path):
    (catalog / loader.CATALOG_INDEX).unlink()
    monkeypatch.setenv("PDGUARD_CACHE_DIR", "off")
    parsed = _count_parses(monkeypatch)
    loader.load_policies()
    count = len(parsed)
    loader.load_policies()
    assert count and len(parsed) == 2 * count
    assert not (tmp_path / "cache").exists()


def test_a_corrupt_index_is_ignored(catalog):
    expected = [p.meta for p in loader.load_policies()]
    (catalog / loader.CATALOG_INDEX).write_text('{"policies": {"PDG101": {"sha256": 1}}', encoding="utf-8")
    assert [p.meta for p in loader.load_policies()] == expected


def _tables():
    return [functions.FUNCTIONS, functions.functions_for(ROOT, ROOT)]


def test_function_arity_is_what_inspect_would_bind():
    for table in _tables():
        for name, function in table.items():
            impl = function.__wrapped__
            signature = inspect.signature(impl)
            accepts = functions._arity(impl)
            for count in range(8):
                try:
                    signature.bind(*range(count))
                    binds = True
                except TypeError:
                    binds = False
                assert accepts(count) == binds, (name, count)


def _scan_modules(folder: Path, cache: Path) -> set:
    script = ("import json, sys\nfrom checker.api import scan\nscan([sys.argv[1]])\n"
              "print(json.dumps(sorted(sys.modules)))\n")
    env = dict(os.environ, PDGUARD_CACHE_DIR=str(cache))
    out = subprocess.run([sys.executable, "-c", script, str(folder)], capture_output=True, text=True,
                         env=env, cwd=ROOT, check=True).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_a_terraform_scan_imports_only_what_it_needs(tmp_path):
    (tmp_path / "tf").mkdir()
    (tmp_path / "tf" / "main.tf").write_text(TERRAFORM, encoding="utf-8")
    cold = _scan_modules(tmp_path / "tf", tmp_path / "cache")
    assert "checker.hcl.evaluate" in cold
    for module in ("yaml", "jsonschema", "regex", "checker.cloudformation.translate", "checker.tfplan.plan",
                   "checker.tfplan.merge", "csv"):
        assert module not in cold, module
    warm = _scan_modules(tmp_path / "tf", tmp_path / "cache")   # the evaluation comes from the cache
    for module in ("checker.hcl.parser", "checker.hcl.evaluate", "checker.hcl.functions", "checker.terraform.module"):
        assert module not in warm, module
