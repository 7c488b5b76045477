"""Importing companies, contacts and sales from CSV and XLSX files in the browser (issue 11): upload, dry run,
import."""
