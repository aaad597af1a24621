"""Entry point of ``python -m convlstm`` (see :mod:`convlstm.cli`)."""

from .cli import main

raise SystemExit(main())
