"""``python -m benchmarks [--quick] [--json]``: the same as ``diglot bench``."""

import sys

from benchmarks.bench import main

sys.exit(main(quick="--quick" in sys.argv, as_json="--json" in sys.argv))
