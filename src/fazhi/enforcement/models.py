"""Models of 行政执法."""
