"""The C extension of the per-block work; everything else is declared in pyproject.toml.

``optional=True``: where the extension cannot be built (no compiler), the install
goes on and the library runs its pure-Python path (the same output).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "cleaner.native._native",
            sources=["cleaner/native/_native.c"],
            # The same IEEE operations as the Python path: no fused multiply-add, no fast-math.
            extra_compile_args=["-ffp-contract=off", "-fno-fast-math"],
            optional=True,
        )
    ]
)
