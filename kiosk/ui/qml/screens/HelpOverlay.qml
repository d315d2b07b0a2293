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
            // Always there, the same room either way: what 呼叫 will do, then what it did (the
            // words are the shell's); nothing moves (a box that appeared pushed 呼叫 down).
            Rectangle {
                width: parent.width
                height: Math.max(called.implicitHeight, twoLines.implicitHeight) + 40
                radius: 12
                color: shell.helpFailed ? Theme.errorSurface : shell.staffCalled ? Theme.successSurface : Theme.surfaceAlt
                border.width: 3
                border.color: shell.helpFailed ? Theme.error : shell.staffCalled ? Theme.success : Theme.border
                KText { id: twoLines; visible: false; text: "一\n二"; font.bold: true }
                KText {
                    id: called
                    objectName: "staffCalledText"
                    anchors { left: parent.left; right: parent.right; verticalCenter: parent.verticalCenter; margins: 20 }
                    horizontalAlignment: Text.AlignHCenter
                    text: shell.helpStatus
                    color: shell.helpFailed ? Theme.error : shell.staffCalled ? Theme.success : Theme.text
                    font.bold: true
                }
            }
            BigButton {
                objectName: "callStaffButton"
                width: parent.width
                text: shell.staffCalled ? "再呼叫一次" : "呼叫工作人员"
                hint: shell.staffCalled ? "等了很久还没人来，可以再点" : "点这里，请驿站工作人员过来帮您"
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
