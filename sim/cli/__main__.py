"""``python -m sim.cli``: the command line, as the tests and developers start it."""

from sim.cli.app import main

if __name__ == "__main__":
    main()
