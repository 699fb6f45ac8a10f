"""The audit trail: who did what and when (assignments, status changes, replies, approvals, rule changes, article
publishing, agent and token changes, data export and erasure), for admins to read and export.

It sits low in the layers (just above the pipeline) so that every feature's action can record on its own
transaction: an entry is written together with the change it describes, or not at all.
"""
