"""salesguide createuser <username> --role admin|manager|salesperson"""

from salesguide.cli.accounts import CreateUserCommand as Command

__all__ = ["Command"]
