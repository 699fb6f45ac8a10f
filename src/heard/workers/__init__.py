"""Long-running loops: listen, pipeline, publisher, scheduler."""
