"""Evaluation, benchmarks and training: what measures and builds the shipped models and the product's speed.

Reached only from commands (`heard eval`, `heard bench`, `heard train`, `heard detect`); no runtime package
imports it (an import-linter contract says so). Organised by subject, mirroring the runtime packages it measures.
"""
