"""Outbox row states and the masking rule for staff lists: plain constants, no database code.

Why a module of its own: the kiosk's 查进度 and staff screens need these names and labels at
start-up, and importing them from `sync.store` would pull SQLite helpers and the cryptography
stack into the attract screen's start (≈ 25 ms). `sync.store` re-exports everything here.
"""

from __future__ import annotations

from devices.idcard.card import mask_id_number as mask_id
from devices.idcard.card import mask_name

# Row states, in the order a row normally walks through them.
QUEUED, SENDING, DELIVERED = "queued", "sending", "delivered"
PLATFORM_STATES = ("received", "accepted", "need_materials", "rejected", "approved", "completed")
FAILED = "failed"
REJECTED = "rejected"
PENDING_STATES = (QUEUED, SENDING)
STATE_LABELS = {
    QUEUED: "待发送",
    SENDING: "发送中",
    DELIVERED: "已送达",
    "received": "平台已接收",
    "accepted": "已受理",
    "need_materials": "需补材料",
    "rejected": "不予受理",
    "approved": "已批准",
    "completed": "已办结",
    FAILED: "发送失败（待工作人员处理）",
}
KIND_SUBMISSION, KIND_RATING = "submission", "rating"
# A certificate's validity (contract 1.1, PLATFORM-API extension in sync/platform_api.yaml): only a
# `valid` one may be printed. `revoked`: the issuing department cancelled it; `superseded`: a newer
# certificate replaces it; `withdrawn`: the application was refused (不予受理) after it was issued.
CERTIFICATE_STATES = ("valid", "revoked", "superseded", "withdrawn")

__all__ = ["CERTIFICATE_STATES", "DELIVERED", "FAILED", "KIND_RATING", "KIND_SUBMISSION", "PENDING_STATES",
           "PLATFORM_STATES", "QUEUED", "REJECTED", "SENDING", "STATE_LABELS", "mask_id", "mask_name"]
