"""The performance benchmark of DESIGN.md: bulk data at a district's many-year scale, pages timed against a floor."""
