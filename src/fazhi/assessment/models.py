"""Models of 指标与考核."""
