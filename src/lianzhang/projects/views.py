"""Pages of the projects app (object types are declared and registered here)."""
