"""Printers: ESC/POS receipt printers and A4 printing through the operating system."""
