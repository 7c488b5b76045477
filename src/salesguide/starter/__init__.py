"""The starter guides the product ships with (SPEC 2.5), in Dutch (``nl/``) and English (``en/``).

Each language has guide files in the import format (``*.guide.yaml``), the standard lists
(``lists.yaml``: activity types, reasons, competitors), and the document templates built in ``templates.py``.
``salesguide.services.starter`` loads them.
"""

from pathlib import Path

STARTER_DIR = Path(__file__).resolve().parent
