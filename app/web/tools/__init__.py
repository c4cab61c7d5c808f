"""Developer tools for the web pages' assets (run by hand, not at run time)."""
