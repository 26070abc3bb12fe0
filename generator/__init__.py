"""Publisher for 驻马店市 安责险 (work-safety liability insurance) disclosure data."""

__version__ = "0.1.0"
