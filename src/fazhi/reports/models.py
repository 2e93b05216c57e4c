"""Models of 年度报告."""
