"""The dashboard: aggregates, charts and the world map, rendered on the server as light SVG."""
