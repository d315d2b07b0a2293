"""Text lines from a page with the PP-OCRv4 models shipped in the rapidocr-onnxruntime wheel.

Why not just call `RapidOCR()(image)`: the pre-check needs more than the best string per line.
It keeps each line's per-step character probabilities, so the matcher can ask "could this line
say 彧 where the greedy reading says 或?" (a CTC score of the expected name, see `match.py`), and
it runs detection at a size chosen for flattened pages and skips the 180° direction classifier
on every line (the capture pipeline has already turned the page upright), which is most of what
makes it faster than the stock pipeline.

Models load on first use, under a lock, so building an `OcrEngine` costs nothing at kiosk
start-up and two worker threads never load them twice. onnxruntime sessions are safe to run from
several threads, but the kiosk runs one check at a time on one worker.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

REC_HEIGHT = 48


TOP_K = 12  # classes kept per step: a dense row would be 6 625 floats
FLOOR = 1e-7  # the probability of a class that was not among the kept ones


@dataclass
class TopK:
    """A line's per-step class probabilities, compactly: the `TOP_K` likeliest classes per step
    and the blank. About 100 bytes a step instead of 26 KB, so a page of 50 lines keeps a few
    hundred KB instead of 100 MB."""

    idx: np.ndarray  # (steps, K) int32, class numbers
    val: np.ndarray  # (steps, K) float32
    blank: np.ndarray  # (steps,) float32, probability of the CTC blank (class 0)

    @classmethod
    def of(cls, probs: np.ndarray) -> TopK:
        k = min(TOP_K, probs.shape[1] - 1)
        idx = np.argpartition(-probs[:, 1:], k - 1, axis=1)[:, :k] + 1
        val = np.take_along_axis(probs, idx, axis=1)
        return cls(idx.astype(np.int32), val.astype(np.float32), probs[:, 0].astype(np.float32))

    @property
    def steps(self) -> int:
        return int(self.blank.shape[0])

    def column(self, label: int) -> np.ndarray:
        """P(label) at every step (FLOOR where it was not among the kept classes)."""
        if label == 0:
            return self.blank
        hit = self.idx == label
        return np.where(hit.any(axis=1), (self.val * hit).sum(axis=1), FLOOR).astype(np.float32)

    def best_nonblank(self) -> np.ndarray:
        return self.val.max(axis=1)

    def at(self, step: int, label: int) -> float:
        row = np.nonzero(self.idx[step] == label)[0]
        return float(self.val[step, row[0]]) if row.size else FLOOR

    def window(self, lo: int, hi: int) -> TopK:
        return TopK(self.idx[lo:hi], self.val[lo:hi], self.blank[lo:hi])


@dataclass
class Line:
    """One recognised text line: its box on the page (4 corners, page pixels), the greedy text,
    the mean confidence, per-character confidences and the (steps × classes) probabilities."""

    box: np.ndarray
    text: str
    score: float
    char_scores: list[float] = field(default_factory=list)
    char_steps: list[int] = field(default_factory=list)
    probs: TopK | None = None

    @property
    def x0(self) -> float:
        return float(self.box[:, 0].min())

    @property
    def x1(self) -> float:
        return float(self.box[:, 0].max())

    @property
    def y0(self) -> float:
        return float(self.box[:, 1].min())

    @property
    def y1(self) -> float:
        return float(self.box[:, 1].max())

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def _session(model_path: str, threads: int) -> Any:
    """An onnxruntime session for a small CPU: `threads` intra-op threads that sleep instead of
    spinning while they wait (onnxruntime spins by default, which on a station PC whose other
    core runs the GUI, or on a loaded machine, burns CPU time for nothing), one inter-op thread,
    sequential execution. rapidocr's own session options cannot say this."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 4
    opts.enable_cpu_mem_arena = False
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.intra_op_num_threads = max(1, threads)
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    opts.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return ort.InferenceSession(str(model_path), sess_options=opts, providers=["CPUExecutionProvider"])


WASTE = 1.15  # a batch may be at most this much wider in total than its lines (padding is computed too)


def _batches(ratios: list[float], size: int) -> list[list[int]]:
    """Crops grouped for recognition: by width, at most `size` a batch, and a batch is closed before
    its padding (every crop is padded to the widest one) would exceed `WASTE` of the real widths.
    The recogniser's cost grows with the padded width, so plain batches of 8 spent a fifth to a
    third of a page's recognition on padding; one crop per run costs more in per-run overhead."""
    order = sorted(range(len(ratios)), key=lambda i: ratios[i])
    out: list[list[int]] = []
    current: list[int] = []
    for i in order:
        widths = [max(2.0, ratios[j]) for j in (*current, i)]
        if current and (len(current) >= size or len(widths) * max(widths) > WASTE * sum(widths)):
            out.append(current)
            current = []
        current.append(i)
    if current:
        out.append(current)
    return out


class OcrUnavailable(RuntimeError):
    """rapidocr-onnxruntime or its models are missing (installer/setup.sh installs them)."""


class OcrEngine:
    """Detector + recogniser, loaded lazily and thread-safely.

    `threads`: onnxruntime intra-op threads (the station PC has 2–4 cores; the GUI keeps one).
    `det_side`: the long side the detector sees; small papers (ID cards) are scaled up to it,
    large ones down, so a 3 mm character is 12–30 px for the detector (enough for DB; larger only costs time).
    """

    def __init__(self, threads: int = 2, det_side: int = 960) -> None:
        self.threads = threads
        self.det_side = det_side
        self._lock = threading.Lock()
        self._det: Any = None
        self._rec: Any = None
        self._chars: list[str] = []
        self._index: dict[str, int] = {}

    @property
    def loaded(self) -> bool:
        return self._rec is not None

    def load(self) -> None:
        """Load the models now (they are otherwise loaded by the first `read`)."""
        if self._rec is not None:
            return
        with self._lock:
            if self._rec is not None:
                return
            try:
                from rapidocr_onnxruntime.ch_ppocr_det import TextDetector
                from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer
                from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
                from rapidocr_onnxruntime.utils import read_yaml, update_model_path
            except ImportError as exc:  # pragma: no cover - setup.sh installs it
                raise OcrUnavailable(
                    "没有安装文字识别组件 rapidocr-onnxruntime，请运行 installer/setup.sh。"
                ) from exc
            config = update_model_path(read_yaml(DEFAULT_CFG_PATH))
            threads = {"intra_op_num_threads": self.threads, "inter_op_num_threads": 1}
            det_cfg = {
                **config["Det"],
                **threads,
                "limit_type": "max",
                "limit_side_len": self.det_side,
                "box_thresh": 0.5,
                "unclip_ratio": 1.7,
            }
            rec_cfg = {**config["Rec"], **threads}
            det = TextDetector(det_cfg)
            rec = TextRecognizer(rec_cfg)
            det.infer.session = _session(det_cfg["model_path"], self.threads)
            rec.session.session = _session(rec_cfg["model_path"], self.threads)
            self._chars = list(rec.postprocess_op.character)
            self._index = {c: i for i, c in enumerate(self._chars)}
            self._det = det
            self._rec = rec

    # ------------------------------------------------------------------ vocabulary of the recogniser

    def knows(self, char: str) -> bool:
        """Whether the recogniser can output `char` at all (its dictionary has 6 623 symbols)."""
        self.load()
        return char in self._index

    def class_of(self, char: str) -> int | None:
        self.load()
        return self._index.get(char)

    @property
    def charset(self) -> list[str]:
        self.load()
        return self._chars

    # ------------------------------------------------------------------------------- detection

    def detect(self, page: np.ndarray) -> list[np.ndarray]:
        """Text boxes (4×2 float32, page pixels), in reading order (top to bottom, left to right)."""
        self.load()
        h, w = page.shape[:2]
        scale = self.det_side / max(h, w)
        det_input = cv2.resize(
            page, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
        )
        # The detector's own resize then only rounds to multiples of 32.
        self._det.preprocess_op = None
        boxes, _ = self._det(det_input)
        if boxes is None or len(boxes) == 0:
            return []
        boxes = [np.asarray(b, np.float32) / scale for b in boxes]
        boxes.sort(key=lambda b: (round(float(b[:, 1].mean()) / 12), float(b[:, 0].min())))
        return boxes

    # ------------------------------------------------------------------------------ recognition

    @staticmethod
    def crop(page: np.ndarray, box: np.ndarray, pad: float = 0.0) -> np.ndarray:
        """The line's pixels, straightened (perspective crop of the quadrilateral)."""
        pts = box.astype(np.float32)
        if pad:  # widen along the line by `pad` × its height on each side: the detector's box
            # sometimes ends inside the last character, which the recogniser then drops
            along = pts[1] - pts[0]
            length = float(np.linalg.norm(along)) or 1.0
            unit = along / length
            height = float(np.linalg.norm(pts[3] - pts[0]))
            shift = unit * pad * height
            pts = np.array([pts[0] - shift, pts[1] + shift, pts[2] + shift, pts[3] - shift], np.float32)
        width = int(max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[2] - pts[3])))
        height = int(max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2])))
        width, height = max(width, 2), max(height, 2)
        dst = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
        matrix = cv2.getPerspectiveTransform(pts, dst)
        out = cv2.warpPerspective(
            page, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC
        )
        if out.shape[0] / out.shape[1] >= 1.5:  # a vertical line of text
            out = np.rot90(out)
        return out

    def recognise(
        self, crops: list[np.ndarray], keep_probs: bool = True, batch: int = 8
    ) -> list[tuple[str, float, list[float], list[int], TopK | None]]:
        """(text, mean score, per-char scores, per-char steps, probabilities) for each crop."""
        self.load()
        results: list[Any] = [None] * len(crops)
        for ids in _batches([c.shape[1] / max(1, c.shape[0]) for c in crops], batch):
            ratio = max(2.0, *(crops[i].shape[1] / max(1, crops[i].shape[0]) for i in ids))
            width = int(math.ceil(REC_HEIGHT * ratio))
            tensor = np.zeros((len(ids), 3, REC_HEIGHT, width), np.float32)
            for row, i in enumerate(ids):
                img = crops[i]
                if img.ndim == 2:
                    img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
                w = min(width, int(math.ceil(REC_HEIGHT * img.shape[1] / max(1, img.shape[0]))))
                resized = cv2.resize(img, (max(1, w), REC_HEIGHT)).astype(np.float32)
                tensor[row, :, :, :w] = (resized.transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
            preds = self._rec.session(tensor)[0]
            for row, i in enumerate(ids):
                probs = preds[row]
                used = max(
                    1,
                    int(
                        math.ceil(
                            probs.shape[0]
                            * min(1.0, crops[i].shape[1] / max(1, crops[i].shape[0]) * REC_HEIGHT / width)
                        )
                    )
                    + 1,
                )
                probs = probs[: min(probs.shape[0], used)]
                results[i] = self._decode(probs, keep_probs)
        return results

    def _decode(
        self, probs: np.ndarray, keep_probs: bool
    ) -> tuple[str, float, list[float], list[int], TopK | None]:
        idx = probs.argmax(axis=1)
        conf = probs.max(axis=1)
        chars: list[str] = []
        scores: list[float] = []
        steps: list[int] = []
        prev = -1
        for t, (i, p) in enumerate(zip(idx.tolist(), conf.tolist(), strict=True)):
            if i != 0 and i != prev:
                chars.append(self._chars[i])
                scores.append(p)
                steps.append(t)
            elif i != 0 and i == prev and scores:
                scores[-1] = max(scores[-1], p)
            prev = i
        text = "".join(chars)
        score = float(np.mean(scores)) if scores else 0.0
        return text, score, scores, steps, (TopK.of(probs) if keep_probs else None)

    def reread(self, page: np.ndarray, line: Line, pad: float = 0.8) -> Line:
        """`line` recognised again from a wider crop (`pad` × its height beyond each end). The
        detector's box sometimes ends inside the last character of a number, which the
        recogniser then drops; one more line costs a few milliseconds."""
        text, score, cs, steps, probs = self.recognise([self.crop(page, line.box, pad=pad)])[0]
        return Line(line.box, text, score, cs, steps, probs)

    def read(self, page: np.ndarray, keep_probs: bool = True, min_score: float = 0.3) -> list[Line]:
        """Detect and recognise every line of `page` (BGR, upright)."""
        boxes = self.detect(page)
        crops = [self.crop(page, b, pad=0.25) for b in boxes]
        lines = []
        for box, (text, score, cs, steps, probs) in zip(
            boxes, self.recognise(crops, keep_probs), strict=True
        ):
            if text.strip() and score >= min_score:
                lines.append(Line(box, text, score, cs, steps, probs))
        return lines
