"""Pages of the dashboards app (object types are declared and registered here)."""
