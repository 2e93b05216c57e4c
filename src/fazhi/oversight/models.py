"""Models of 监督与政务公开."""
