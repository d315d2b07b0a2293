// 求助: call the station's staff, and the 12345 hotline.
import QtQuick
import "../components"

Rectangle {
    id: overlay
    color: Theme.scrim

    MouseArea { anchors.fill: parent; onClicked: shell.closeHelp() }

    Rectangle {
        anchors.centerIn: parent
        width: Math.min(parent.width - 96, 900)
        height: column.implicitHeight + 96
        radius: Theme.radius
        color: Theme.surface

        MouseArea { objectName: "blocker"; anchors.fill: parent }   // taps on the card do not close it

        Column {
            id: column
            anchors { left: parent.left; right: parent.right; top: parent.top; margins: 48 }
            spacing: 32
            KText {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: "需要帮助吗？"
                font.pixelSize: Theme.title
                font.bold: true
            }
            // Always there, one line either way: when staff are called the words change, nothing
            // moves (a box that appeared pushed 呼叫工作人员 down under the finger).
            Rectangle {
                width: parent.width
                height: called.implicitHeight + 40
                radius: 12
                color: shell.staffCalled ? Theme.successSurface : Theme.surfaceAlt
                border.width: 3
                border.color: shell.staffCalled ? Theme.success : Theme.border
                KText {
                    id: called
                    objectName: "staffCalledText"
                    anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 20 }
                    horizontalAlignment: Text.AlignHCenter
                    text: shell.staffCalls > 1 ? "✓ 已通知工作人员 " + shell.staffCalls + " 次，请稍候"
                        : shell.staffCalled ? "✓ 已通知工作人员，请在这里稍候"
                        : "工作人员会到这台终端旁边帮您"
                    color: shell.staffCalled ? Theme.success : Theme.text
                    font.bold: true
                }
            }
            BigButton {
                objectName: "callStaffButton"
                width: parent.width
                text: "呼叫工作人员"
                hint: "驿站工作人员会过来帮您"
                onClicked: shell.callStaff()
            }
            KText {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: "也可以拨打政务服务热线"
            }
            KText {
                objectName: "hotline"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: shell.hotline
                color: Theme.accent
                font.pixelSize: Theme.display
                font.bold: true
            }
            BigButton {
                objectName: "closeHelpButton"
                width: parent.width
                primary: false
                text: "关闭"
                onClicked: shell.closeHelp()
            }
        }
    }
}
