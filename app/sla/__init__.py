"""SLA clocks: a goal in working days, run segments, and a state (PRODUCT.md "SLA clocks")."""
