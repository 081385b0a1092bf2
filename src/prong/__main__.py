import sys

from prong.cli.main import main

sys.exit(main())
