"""``python -m kobai`` runs the command line."""

from kobai.cli.main import main

raise SystemExit(main())
