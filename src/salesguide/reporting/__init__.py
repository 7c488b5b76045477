"""Reports as files and charts: a report's table in, CSV, XLSX or an SVG chart out.

Like ``documents``, this package knows no models, queries, services or Django (import-linter): the caller hands
it the table (``queries.reports.table.ReportTable`` fits the protocols in ``files``) and a ``translate`` function
for the column labels and notes, and gets bytes or SVG text back.
"""
