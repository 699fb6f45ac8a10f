"""Streaming detectors for spikes and pile-ons: pure, causal, constant memory per key."""
