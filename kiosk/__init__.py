"""The Qt layer: QML screens, thin view-models, the session flow, theme and voice.

Nothing outside this package imports it; it adapts devices/, forms/ and sync/ to QML.
"""
