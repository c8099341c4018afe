import sys

from clinic_bi.cli import main

sys.exit(main())
