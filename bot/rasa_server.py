"""`rasa` with bot.speedups installed first: `python -m bot.rasa_server run --model …`.

Every Rasa server this project starts (make run, the production profile, the tests and `make
bench`'s "ours") goes through here; the arguments are rasa's own.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Optional

# TensorFlow 2.12 imports JAX (a dependency it declares) only to offer it to tf.lite's
# converter; Rasa never uses either. Importing it cost 0.55 s and 107 MB of resident memory here.
NOT_IMPORTED = ("jax",)


def block_unused_imports() -> None:
    """Make `import jax` fail fast with ImportError, which TensorFlow expects and handles."""
    for name in NOT_IMPORTED:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Install the speed-ups and the language hook, then hand the command line to Rasa's CLI."""
    block_unused_imports()
    from bot import language_slot, speedups

    speedups.install()
    language_slot.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *(sys.argv[1:] if argv is None else argv)]
    rasa_main()


if __name__ == "__main__":
    main()
