// scan and signature: not taken here. Says plainly where it happens; 下一题 passes it.
import QtQuick
import "../components"

Column {
    spacing: 20
    Panel {
        width: parent.width
        height: laterColumn.implicitHeight + 56
        color: Theme.surfaceAlt
        Column {
            id: laterColumn
            anchors { left: parent.left; right: parent.right; top: parent.top; margins: 28 }
            spacing: 12
            KText {
                width: parent.width
                text: form.fieldType === "scan" ? "这一项稍后拍摄" : "这一项稍后签名"
                font.pixelSize: Theme.button
                font.bold: true
            }
            KText {
                objectName: "laterText"
                width: parent.width
                text: form.laterText
            }
        }
    }
}
