"""Pure rules of selling. Imports nothing from Django or the rest of the project."""
