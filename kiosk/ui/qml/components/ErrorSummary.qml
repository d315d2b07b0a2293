// "请修改以下 N 处": every problem on the page in one box at the top, in words.
import QtQuick

Rectangle {
    id: root
    property var errors: []
    visible: errors.length > 0
    implicitHeight: visible ? column.implicitHeight + 40 : 0
    radius: 12
    color: Theme.errorSurface
    border.width: 4
    border.color: Theme.error
    Accessible.role: Accessible.AlertMessage

    Column {
        id: column
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 20 }
        spacing: 8
        KText {
            width: parent.width
            text: "！ 请修改以下 " + root.errors.length + " 处"
            color: Theme.error
            font.pixelSize: Theme.button
            font.bold: true
        }
        Repeater {
            model: root.errors
            delegate: KText {
                required property string modelData
                width: column.width
                text: "· " + modelData
            }
        }
    }
}
