"""Web pages for approvers, administrators and auditors (zh-CN first)."""
