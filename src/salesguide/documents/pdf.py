"""HTML to PDF with WeasyPrint, for printed sales.

WeasyPrint fetches what a page links to (stylesheets, images, fonts). A page printed here may contain text
users typed, so it must never reach the network or the file system at large: the fetcher serves only files
under our own static directories (the print stylesheet) and PNG or JPEG images inside the page itself (data:
URLs, for the seller's logo), and refuses everything else, which WeasyPrint then leaves out with a warning.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

PDF_CONTENT_TYPE = "application/pdf"
# PDF/UA-1 (ISO 14289-1): a tagged PDF (a structure tree of headings, paragraphs, tables and lists, marked
# content) with the title and the language of the page (``<title>``, ``<html lang>``), so that screen readers
# read it in order and in the right language, and text reflows on small screens.
PDF_VARIANT = "pdf/ua-1"
# Images a page may carry inline as data: URLs (the seller's logo on a printed sale).
INLINE_IMAGE_TYPES = ("image/png", "image/jpeg")
# Relative links in the page resolve against this made-up origin; nothing is ever fetched from it.
PAGE_ORIGIN = "https://salesguide.invalid"


class FetchRefused(ValueError):
    """A page asked for something that is not one of our static files."""


class StaticFilesOnly(URLFetcher):  # type: ignore[misc]
    """Answers ``<PAGE_ORIGIN><static_url><path>`` from the first static directory that has the file."""

    def __init__(self, static_url: str, static_dirs: Sequence[Path]) -> None:
        super().__init__(allowed_protocols=())
        self.prefix = PAGE_ORIGIN + "/" + static_url.strip("/") + "/"
        self.static_dirs = [Path(d).resolve() for d in static_dirs]

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        for content_type in INLINE_IMAGE_TYPES:
            # An image carried in the page itself (our logo): no network, no file, and never a script.
            prefix = f"data:{content_type};base64,"
            if url.startswith(prefix):
                try:
                    content = base64.b64decode(url[len(prefix) :], validate=True)
                except ValueError as error:
                    raise FetchRefused(url[:40]) from error
                return URLFetcherResponse(url[:40], content, {"Content-Type": content_type})
        if not url.startswith(self.prefix):
            raise FetchRefused(url)
        parts = urlsplit(url)
        relative = unquote(parts.path)[len(urlsplit(self.prefix).path) :]
        for root in self.static_dirs:
            candidate = (root / relative).resolve()
            # resolve() follows "..", so a path that climbs out of the directory is caught here.
            if candidate.is_relative_to(root) and candidate.is_file():
                content_type = mimetypes.guess_type(candidate.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, candidate.read_bytes(), {"Content-Type": content_type})
        raise FetchRefused(url)


def html_to_pdf(html: str, *, static_url: str, static_dirs: Sequence[Path]) -> bytes:
    """The tagged PDF of a whole HTML page, in the language of its ``<html lang>``; links to ``static_url`` are
    served from ``static_dirs``, nothing else."""
    document = HTML(string=html, base_url=PAGE_ORIGIN + "/", url_fetcher=StaticFilesOnly(static_url, static_dirs))
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    assert pdf is not None  # write_pdf returns the bytes when no target is given
    return bytes(pdf)
