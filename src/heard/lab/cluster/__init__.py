"""`heard bench cluster`: a distributed deployment run as separate processes on one machine, measured."""
