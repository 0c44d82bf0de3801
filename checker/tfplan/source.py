"""Point plan and state resources back at their .tf source, when the configuration is beside
the JSON file (the plan's own directory): `resource "type" "name"` blocks of the root module,
and of local modules through the module calls' `./` / `../` sources."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from ..discover import relative
from ..errors import InputError

LOCAL_PREFIXES = ("./", "../", ".\\", "..\\")
MAX_FILES = 2000


class SourceMap:
    def __init__(self, directory: Path, scan_root: Path, configuration=None):
        self.directory = directory
        self.scan_root = scan_root
        self.configuration = configuration      # references.Configuration or None
        self._modules: dict[tuple, Optional[dict]] = {}
        self._files = 0

    @property
    def available(self) -> bool:
        return self._blocks(()) is not None

    def locate(self, calls, local_address: str):
        """(rel file, line, attr_lines) of a resource block, or None."""
        blocks = self._blocks(tuple(name for name, _ in calls))
        if not blocks:
            return None
        return blocks.get(local_address)

    def _blocks(self, call_names: tuple) -> Optional[dict]:
        if call_names in self._modules:
            return self._modules[call_names]
        self._modules[call_names] = None
        directory = self._directory(call_names)
        if directory is not None:
            self._modules[call_names] = self._parse(directory)
        return self._modules[call_names]

    def _directory(self, call_names: tuple) -> Optional[Path]:
        directory = self.directory
        if not call_names:
            return directory if any(directory.glob("*.tf")) else None
        if self.configuration is None:
            return None
        for i in range(len(call_names)):
            call = self.configuration.module_call([(n, "") for n in call_names[:i + 1]])
            source = call.get("source") if call else None
            if not isinstance(source, str) or not source.startswith(LOCAL_PREFIXES):
                return None
            directory = (directory / source).resolve()
        return directory if directory.is_dir() else None

    def _parse(self, directory: Path) -> dict:
        from ..hcl.parser import parse_hcl
        from ..terraform.module import _collect_lines
        out: dict = {}
        for path in sorted(directory.glob("*.tf")):
            self._files += 1
            if self._files > MAX_FILES:
                break
            rel = relative(path, self.scan_root)
            try:
                parsed = parse_hcl(path.read_text(encoding="utf-8", errors="replace"), rel)
            except (InputError, OSError, RecursionError):
                continue    # the HCL loader reports a broken .tf file when it is scanned
            for block in parsed.body.blocks:
                if block.type not in ("resource", "data") or len(block.labels) != 2:
                    continue
                local = ".".join(block.labels)
                if block.type == "data":
                    local = "data." + local
                lines: dict = {}
                _collect_lines(block.body, "", lines)
                out.setdefault(local, (rel, block.line, lines))
        return out
