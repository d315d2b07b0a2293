"""Document capture under a document camera (高拍仪): find the paper, flatten, check, save.

`pipeline.capture(frame, preset)` is the whole job; `geometry` finds and flattens, `quality` says
what the resident should fix, `output` writes capped JPEGs and multi-page PDFs. Frames come from
the cameras of devices/camera (`devices.camera.open_camera`).
"""

from devices.capture.geometry import Quad, find_paper, flatten
from devices.capture.output import CaptureOutputError, encode_jpeg, pages_to_pdf
from devices.capture.pipeline import Capture, capture, check
from devices.capture.presets import PRESETS, Preset, preset
from devices.capture.quality import Quality, assess

__all__ = ["PRESETS", "Capture", "CaptureOutputError", "Preset", "Quad", "Quality", "assess",
           "capture", "check", "encode_jpeg", "find_paper", "flatten", "pages_to_pdf", "preset"]
