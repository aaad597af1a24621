"""Accuracy and speed benchmarks of convlstm-forecast (run: python -m bench.run)."""
