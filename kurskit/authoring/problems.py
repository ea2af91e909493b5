"""A problem an author must fix: where (file, cell) and what, in English."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    path: Path
    message: str
    cell: int | None = None  # 1-based cell number as shown in JupyterLab

    def __str__(self) -> str:
        where = f"{self.path}: cell {self.cell}" if self.cell else str(self.path)
        return f"{where}: {self.message}"
