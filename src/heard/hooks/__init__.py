"""Outgoing webhooks for other tools: subscriptions to domain events, and an outbox of deliveries so that a
receiver that is down delays its events but loses none."""
