"""Publisher for a city's 安责险 (work-safety liability insurance) disclosure data."""

__version__ = "0.1.0"
