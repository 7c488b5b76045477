"""The benchmark (issue 10): a deterministic generator of sales with their history, and timed scenarios through
the real stack. Run it with ``make bench`` or ``python -m bench --help``."""
