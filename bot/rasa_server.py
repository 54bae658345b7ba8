"""`rasa` with bot.speedups installed first: `python -m bot.rasa_server run --model …`.

Every Rasa server this project starts (make run, the production profile, the tests and `make
bench`'s "ours") goes through here; the arguments are rasa's own.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Optional


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Install the speed-ups, then hand the command line to Rasa's CLI."""
    from bot import speedups

    speedups.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
