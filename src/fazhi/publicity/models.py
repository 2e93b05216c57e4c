"""Models of 普法与学法."""
