"""Pages of the mapping app (object types are declared and registered here)."""
