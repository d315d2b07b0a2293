"""Thin QObject adapters that QML binds to, one module per screen or service.

They hold screen state and turn worker callbacks into signals; the rules they show live in
`forms`, `sync`, `devices` and `kiosk.station`, and where to go next lives in
`kiosk.ui.navigation`.
"""
