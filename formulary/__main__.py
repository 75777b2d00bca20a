import sys

from formulary.cli import main

sys.exit(main())
