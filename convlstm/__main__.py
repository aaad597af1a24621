"""Entry point of ``python -m convlstm`` (see :mod:`convlstm.cli`)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
