"""Salesguide: a self-hosted CRM built around sales guides."""
