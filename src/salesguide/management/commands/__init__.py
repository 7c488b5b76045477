"""The ``salesguide`` commands: each imports its implementation from salesguide.cli."""
