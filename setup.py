"""Packages: `checker` and its subpackages, plus the policy catalog (`policies/` in the source
tree) installed as `checker.builtin_policies`. setuptools' package finder cannot see a package
mapped from another folder, hence this file; everything else is in pyproject.toml."""
from setuptools import find_namespace_packages, setup

setup(packages=find_namespace_packages(include=["checker", "checker.*"]) + ["checker.builtin_policies"])
