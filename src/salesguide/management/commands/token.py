"""salesguide token create <username>"""

from salesguide.cli.accounts import TokenCommand as Command

__all__ = ["Command"]
