"""The audit trail as pages write it: one entry per page view or action, written when the response is
final."""
