"""Measuring and tuning the reply coach on real replies (TwACS), and timing it."""
