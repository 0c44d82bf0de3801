"""The progress line: drawn on a terminal for long scans, never on a pipe."""
import io

from checker import progress


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_silent_on_a_pipe(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    stream = io.StringIO()
    p = progress.Progress(10, "parsing", stream)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    for _ in range(10):
        p.tick()
    p.close()
    assert stream.getvalue() == ""


def test_drawn_on_a_terminal_after_the_delay(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("PDGUARD_NO_PROGRESS", raising=False)
    monkeypatch.setattr(progress, "DELAY", 0.0)
    stream = FakeTerminal()
    p = progress.Progress(4, "parsing", stream)
    p.tick()
    p.close()
    out = stream.getvalue()
    assert "parsing" in out and "1/4" in out and out.endswith("\r\033[K")


def test_quiet_in_ci_even_on_a_terminal(monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setattr(progress, "DELAY", 0.0)
    stream = FakeTerminal()
    p = progress.Progress(4, "parsing", stream)
    p.tick()
    assert stream.getvalue() == ""


def test_a_scan_shows_parsing_then_evaluating(monkeypatch, tmp_path, capsys):
    from checker.terraform.loader import load_terraform
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "_interactive", lambda stream: True)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    load_terraform([tmp_path / "a", tmp_path / "b"], set(), tmp_path)
    err = capsys.readouterr().err
    assert "pdguard: parsing [" in err and "/2" in err
    assert "pdguard: evaluating modules [" in err
    assert err.endswith("\r\033[K")
