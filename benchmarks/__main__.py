import json
import sys
from pathlib import Path

from .national_year import ROOT, main

result = main(repeats=int(sys.argv[1]) if len(sys.argv) > 1 else 3)
(ROOT / "results").mkdir(exist_ok=True)
(ROOT / "results" / "bench.json").write_text(json.dumps(result, indent=2))
print(f"written: {Path('results') / 'bench.json'}")
