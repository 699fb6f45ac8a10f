"""Measuring the pile-on radar: the NAB benchmark with its scoring, and the synthetic pile-on bench."""
