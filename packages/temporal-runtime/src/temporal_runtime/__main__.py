"""``python -m temporal_runtime``: the same command line as the ``temporal-runtime`` script."""

from temporal_runtime._cli import main

if __name__ == "__main__":
    main()
