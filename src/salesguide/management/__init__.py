"""Django looks for management commands here; each module is a thin shim over salesguide.cli."""
