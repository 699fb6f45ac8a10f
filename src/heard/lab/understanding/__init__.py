"""Training and measuring the understanding models: datasets, recipes, metrics, the speed bench."""
