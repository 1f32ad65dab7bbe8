"""pvkg benchmark harness (issue 10): ``python -m bench --sizes 1k,10k,50k``."""
