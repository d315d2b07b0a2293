// 首页 pressed while a form is being filled in and not yet saved: asked before anything is lost.
// 继续填写 (the big, first choice) keeps every answer; 放弃填写 wipes, as 首页 always did.
import QtQuick
import "../components"

Rectangle {
    id: overlay
    color: Theme.scrim

    MouseArea { objectName: "leaveBlocker"; anchors.fill: parent }   // nothing below is touched by accident

    Rectangle {
        anchors.centerIn: parent
        width: Math.min(parent.width - 96, 900)
        height: column.implicitHeight + 96
        radius: Theme.radius
        color: Theme.surface
        border.width: 6
        border.color: Theme.focus

        Column {
            id: column
            anchors { left: parent.left; right: parent.right; top: parent.top; margins: 48 }
            spacing: 32
            KText {
                objectName: "leaveTitle"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: "要回到首页吗？"
                font.pixelSize: Theme.title
                font.bold: true
            }
            KText {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: "您填写的内容还没有提交。回到首页，已经填写的内容和拍的照片都会清除。"
            }
            BigButton {
                objectName: "stayButton"
                width: parent.width
                text: "继续填写"
                hint: "回到刚才的地方，内容都还在"
                onClicked: shell.stay()
            }
            BigButton {
                objectName: "leaveButton"
                width: parent.width
                primary: false
                text: "放弃填写，回首页"
                hint: "清除本次填写的内容"
                onClicked: shell.home()
            }
        }
    }
}
