"""The station in plain Python (no Qt): configuration, the one composition of devices, store and
sync, staff and agent PINs, health, watchdog, privacy logging, status, updates and the operator
commands. Usable from the command line on a machine without a display; `kiosk.ui` builds on it.
"""
