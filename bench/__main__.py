"""`python -m bench`: measure the toolkit and write bench/RESULTS.md."""

import sys

from bench.run import main

sys.exit(main())
