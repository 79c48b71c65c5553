import sys

from .targets import main

main(sys.argv)
