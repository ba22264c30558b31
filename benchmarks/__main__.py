"""`python -m benchmarks [--quick] [--repeats N]`: the benchmark suite (see benchmarks/suite.py)."""

import sys

from . import main

if __name__ == "__main__":
    main(sys.argv[1:])
