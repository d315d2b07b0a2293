// "您还在吗？": a countdown of at least 20 s and a big 继续. Nothing is erased before it ends.
import QtQuick
import "../components"

Rectangle {
    id: overlay
    color: Theme.scrim

    MouseArea { objectName: "blocker"; anchors.fill: parent }   // nothing below is touched by accident

    Rectangle {
        anchors.centerIn: parent
        width: Math.min(parent.width - 96, 900)
        height: column.implicitHeight + 96
        radius: Theme.radius
        color: Theme.warningSurface
        border.width: 6
        border.color: Theme.focus

        Column {
            id: column
            anchors { left: parent.left; right: parent.right; top: parent.top; margins: 48 }
            spacing: 32
            KText {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: "您还在吗？"
                font.pixelSize: Theme.display
                font.bold: true
            }
            KText {
                objectName: "countdown"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: shell.warningSeconds + " 秒"
                font.pixelSize: Theme.display * 1.5
                font.bold: true
            }
            // Broken by phrase, not where the width runs out: wrapped by width, "页。" stood alone
            // on a line of its own (the walk's widle-10). Each phrase fits on one line at every
            // window and text size (tests/ui/test_walk_form_widgets.py).
            KText {
                objectName: "timeoutExplanation"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: "为保护您的信息，倒计时结束后\n将清除本次填写的内容，回到首页。"
            }
            BigButton {
                objectName: "continueButton"
                width: parent.width
                text: "继续办理"
                hint: "点这里，接着办"
                onClicked: shell.continueSession()
            }
            BigButton {
                width: parent.width
                primary: false
                text: "结束办理"
                onClicked: shell.home()
            }
        }
    }
}
