"""Pages of the attraction app (object types are declared and registered here)."""
