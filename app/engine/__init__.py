"""The SpiffWorkflow boundary: deployment checks, scripts, the runner and the clock."""
