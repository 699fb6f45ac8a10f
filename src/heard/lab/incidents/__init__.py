"""Measuring incident grouping on labelled files, beside a TF-IDF + k-means baseline."""
