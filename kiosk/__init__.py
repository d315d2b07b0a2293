"""The kiosk: `kiosk.station` (the station in plain Python) and `kiosk.ui` (the Qt layer on it).

Nothing outside this package imports it; it composes devices/, forms/ and sync/ into a station and
shows it on the touchscreen. kiosk/README.md says where each kind of change goes.
"""
