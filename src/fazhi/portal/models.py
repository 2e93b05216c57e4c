"""Models of 政务公开门户."""
