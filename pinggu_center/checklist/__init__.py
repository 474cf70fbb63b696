"""七有: each center's seven things, their evidence, and the district's view of completion."""
