"""Outcome reports: response times, SLA compliance, pile-ons and their cost, sentiment before and after the
reply, incidents resolved and articles that cut complaints (read-only over the store)."""
