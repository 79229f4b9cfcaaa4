"""`python -m pipeline …` runs the same commands as `congvan …`."""
from .cli import main

main()
