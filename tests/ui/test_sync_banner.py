"""The banner never calls a storage fault a network problem (issue 15), and staff see why."""

from __future__ import annotations

from kiosk.ui.viewmodels.sync_status import SyncStatusViewModel, banner_text
from sync.worker import WorkerStatus


def test_a_storage_fault_is_said_as_one_and_staff_see_the_sentence(qapp):
    model = SyncStatusViewModel()
    model._apply(WorkerStatus(pending=2, failed=0, oldest_pending_age_s=60, online=False, last_error=None,
                              next_try_at=None, storage_error="本机数据库已损坏：请联系县级运维人员。"))
    assert model.property("text") == "本机存储需要检查，请找工作人员"
    assert "网络" not in model.property("text")
    assert model.property("storageError").startswith("本机数据库已损坏")


def test_without_a_storage_fault_the_network_words_stay():
    assert banner_text(False, 3) == "网络暂时不通 · 3 件申请已安全保存在本机，联网后自动上报"
    assert banner_text(True, 0) == "网络正常"
