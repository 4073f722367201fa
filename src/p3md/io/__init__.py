"""Reading raw data: CSV/xlsx variants, canonical labels, personal fields, readable errors."""

from p3md.io.errors import RawDataError

__all__ = ["RawDataError"]
