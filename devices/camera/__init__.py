"""Cameras: the document camera (高拍仪) and the front camera that reads QR codes."""
