// 智能预审 under the review's buttons (so they never move): while the paper is read, a calm line;
// then what it noticed, each a sentence with a mark; and answers it could read, each with 填入.
// Advice only: 用这张 is never held back. Everything shown comes from `precheck` (viewmodels/precheck.py).
import QtQuick

Column {
    id: root
    spacing: 14
    visible: precheck.state !== "idle"

    KText {
        objectName: "precheckChecking"
        width: parent.width
        visible: precheck.state === "checking"
        text: "正在核对这张材料……（只是提醒，不影响您用这张）"
        color: Theme.textMuted
    }
    KText {
        objectName: "precheckOk"
        width: parent.width
        visible: precheck.state === "done" && precheck.findings.length === 0
        text: "✔ 材料核对没有发现问题"
        color: Theme.success
        font.bold: true
    }
    Repeater {
        model: precheck.findings
        delegate: Rectangle {
            required property string modelData
            objectName: "precheckFinding"
            width: root.width
            height: findingText.implicitHeight + 28
            radius: 12
            color: Theme.warningSurface
            border.width: 3
            border.color: Theme.focus
            KText {
                id: findingText
                anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 16 }
                text: "！ " + modelData
                font.bold: true
            }
        }
    }
    KText {
        width: parent.width
        visible: precheck.findings.length > 0
        text: "这只是提醒：可以点“重拍”换一张，也可以点“用这张”，工作人员会再核对。"
        color: Theme.textMuted
    }
    Repeater {
        model: precheck.offers
        delegate: BigButton {
            required property var modelData
            objectName: "precheckFill_" + modelData.fieldId
            width: root.width
            primary: false
            text: "填入“" + modelData.label + "”：" + modelData.text
            hint: "材料上读到的，没有填写过"
            onClicked: precheck.fill(modelData.fieldId)
        }
    }
}
