"""zhtm: Chinese→English translation memory and terminology toolkit."""

__version__ = "0.1.0"
