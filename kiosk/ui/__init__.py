"""The Qt layer, and only it: the QML screens, their view-models, the navigation graph, theme and voice.

Everything that imports Qt lives here (tests/test_rooms.py keeps it so). The station itself
(config, the composition of devices, store and sync, PINs, health, logs, updates) is the plain
Python of `kiosk.station`, which this room uses and which never uses this room.
"""
