import sys
from pathlib import Path

# the tests import their helpers (catalogue_builder) as plain modules
sys.path.insert(0, str(Path(__file__).parent))
