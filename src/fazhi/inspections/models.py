"""Models of 双随机、一公开."""
