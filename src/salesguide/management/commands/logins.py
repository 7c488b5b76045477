"""salesguide logins [--url URL]"""

from salesguide.cli.logins import LoginsCommand as Command

__all__ = ["Command"]
