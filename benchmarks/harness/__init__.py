"""The peer benchmark harness: tools, projects, measurement, matrix and report."""
