"""theorybook: the algorithms of an executable textbook of recent neural-network theory.

Each chapter of the book has one module here, ``theorybook.<chapter>``, implementing its paper's
objects and algorithms; ``theorybook.common`` holds what every chapter shares (seeds, run modes,
plot style, progress bars and the kernel-free interactive figure ``explore``).
Chapter modules are imported explicitly (``from theorybook import spherical_quantisers as sq``)
so that importing the package stays cheap.
"""

__version__ = "0.1.0"
