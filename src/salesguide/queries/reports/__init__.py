"""One read model per report (SPEC 4.2–4.7): each module answers a ``ReportTable`` (``table.py``) that the web
page, the API, the chart and the CSV/XLSX files all render, so every door shows the same figures."""
