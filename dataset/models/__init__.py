from .releases import DataSetRelease

__all__ = ["DataSetRelease"]
