"""The design review (pdguard report): content, escaping, large systems, and a real browser."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.api import scan
from checker.cli import main
from checker.report import review_html, review_markdown
from checker.review import build_review

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "terraform"
HOSTILE = textwrap.dedent("""
    resource "aws_s3_bucket" "evil" {
      bucket = "x<img src=x onerror=alert(1)>"
      acl    = "public-read"
      tags = {
        DataClassification = "Personal"
        Owner              = "<script>document.body.setAttribute('data-pwned','1')</script>"
      }
    }
    resource "aws_db_instance" "db" {
      engine         = "postgres"
      instance_class = "db.t3.micro"
      identifier     = "patients</td><script>document.body.setAttribute('data-pwned','2')</script>"
    }
""")


@pytest.fixture(scope="module")
def example_review():
    return build_review(scan([EXAMPLE]))


def test_html_review_of_the_example(example_review):
    html = review_html.render(example_review)
    assert html.startswith("<!DOCTYPE html>")
    for section in ("summary", "critical", "diagram", "inventory", "findings", "suppressed", "limits"):
        assert f'id="{section}"' in html
    assert "<svg" in html and 'class="edge danger"' in html
    assert "aws_db_instance.applicants" in html
    assert "PDPO DPP4(1)(c)" in html and "GDPR Art. 32(1)(a)" in html
    assert 'href="database.tf#L' in html
    # Self-contained: nothing is fetched from the network.
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_summary_counts(example_review):
    s = example_review.summary
    assert s["personal_stores"] >= 4
    assert s["exposed_personal_stores"] >= 2
    assert s["critical_chains"] == len(example_review.critical) >= 2


def test_markdown_review_has_the_same_content(example_review):
    md = review_markdown.render(example_review)
    assert "## Critical chains" in md and "## Personal-data inventory" in md
    assert "aws\\_db\\_instance.applicants" in md
    assert "`network.tf:44`" in md or "network.tf" in md


def test_hostile_names_render_as_text(tmp_path):
    (tmp_path / "main.tf").write_text(HOSTILE)
    review = build_review(scan([tmp_path]))
    html = review_html.render(review)
    assert "<script>document" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;" in html or "&lt;img" in html
    md = review_markdown.render(review)
    assert "<script>" not in md and "<img" not in md


def test_large_system_folds_the_diagram(tmp_path):
    blocks = []
    for i in range(150):
        blocks.append(f'resource "aws_s3_bucket" "customer_{i}" {{\n  bucket = "customer-{i}"\n'
                      f'  acl = "{"public-read" if i % 3 == 0 else "private"}"\n}}\n')
        blocks.append(f'resource "aws_s3_bucket" "assets_{i}" {{\n  bucket = "assets-{i}"\n}}\n')
    (tmp_path / "main.tf").write_text("".join(blocks))
    review = build_review(scan([tmp_path]))
    html = review_html.render(review)
    assert "more</text>" in html                 # a folded column node
    assert "other data store(s)" in html         # non-personal, unexposed stores folded
    assert html.count('<g class="node') <= 5 * 17
    assert html.count("<tr>") >= 300             # the inventory still lists every store


def test_report_command(tmp_path):
    out = tmp_path / "review.html"
    result = CliRunner().invoke(main, ["report", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("<!DOCTYPE html>")
    md = tmp_path / "review.md"
    assert CliRunner().invoke(main, ["report", str(EXAMPLE), "-o", str(md)]).exit_code == 0
    assert md.read_text().startswith("# ")


# ------------------------------------------------------------------ in a real browser
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--enable-logging=stderr", "--v=0"]


def _chromium(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    return subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                          capture_output=True, text=True, timeout=120)


def _console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines()
            if "CONSOLE" in line and ("Uncaught" in line or "Error" in line or "Refused" in line)]


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="Chromium is not installed")
def test_review_in_headless_chromium(tmp_path):
    assert CHROMIUM, "CI installs Chromium (.ci/run): the browser test must run there"
    page = tmp_path / "review.html"
    page.write_text(review_html.render(build_review(scan([EXAMPLE]))))
    dom = _chromium(tmp_path, page, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'data-ready="1"' in dom.stdout            # the inline script ran (sorting, filtering)
    assert "<svg" in dom.stdout and 'id="inventory-table"' in dom.stdout
    assert not _console_errors(dom.stderr), _console_errors(dom.stderr)
    shot = tmp_path / "review.png"
    result = _chromium(tmp_path, page, "--window-size=1400,2000", f"--screenshot={shot}")
    assert result.returncode == 0 and shot.stat().st_size > 10_000
    print(f"screenshot: {shot}")


@pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="Chromium is not installed")
def test_injected_script_does_not_execute(tmp_path):
    assert CHROMIUM
    src = tmp_path / "src"
    src.mkdir()
    (src / "main.tf").write_text(HOSTILE)
    page = tmp_path / "review.html"
    page.write_text(review_html.render(build_review(scan([src]))))
    dom = _chromium(tmp_path, page, "--dump-dom")
    assert dom.returncode == 0
    assert 'data-ready="1"' in dom.stdout
    assert "data-pwned" not in dom.stdout.split("<body", 1)[1].split(">", 1)[0]
    assert "onerror=alert" not in dom.stdout.replace("&lt;img src=x onerror=alert(1)&gt;", "")
