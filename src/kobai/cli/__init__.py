"""The ``kobai`` command line."""
