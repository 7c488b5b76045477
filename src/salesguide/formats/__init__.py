"""How dates and times are written, one way per language (``FORMAT_MODULE_PATH``).

Django's own formats give each language a long and a short form ("6 februari 2027" and "6-12-2026"), and the
pages used both side by side. Here the long and the short form of a language are the same, so every list,
card, guide, history and print view writes a date alike, whichever name a template uses. Only the formats for
showing are set; what Django accepts as input stays its own, and date fields keep ISO (``type=date``).
"""
