"""Read-only functions that build what pages, the API and reports show. No writes, no rules."""
