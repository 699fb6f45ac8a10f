"""The kernel under every feature: stored posts, contacts, conversations, messages, their state and search."""
