"""Models of 制度建设与依法决策."""
