"""The machine interfaces: the 12345 hotline work orders, their progress callbacks, and the 三协同 enforcement link."""
