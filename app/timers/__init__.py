"""Timer jobs: cluster-safe acquisition, firing through the unit of work, retries, incidents."""
