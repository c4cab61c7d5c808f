"""The audit trail: a hash-chained, append-only event log."""
