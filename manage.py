#!/usr/bin/env python
"""Django's command-line utility; the same as the ``p2c`` console command."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from p2c.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
