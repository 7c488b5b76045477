"""Data files in: CSV and spreadsheet files read into a header row and streamed rows of cells (issue 11).

Like ``reporting``, this package knows no models, queries, services or Django (import-linter): the import service
hands it the uploaded file and gets the headers and the rows back; what the cells mean is ``domain.file_values``.
"""
