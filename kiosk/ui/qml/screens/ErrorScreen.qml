// 出错了: what happened, what to do next, and 12345. Never a dead end.
import QtQuick
import "../components"

Item {
    id: screen
    readonly property bool landscape: width > height

    ScreenColumn {
        centred: true           // nothing on it changes size
        anchors.fill: parent
        spacing: screen.landscape ? 24 : 32

        Rectangle {
            visible: screen.height > 1100      // in landscape the words alone say it
            width: 140; height: 140; radius: 70
            anchors.horizontalCenter: parent.horizontalCenter
            color: Theme.errorSurface
            border.width: 6
            border.color: Theme.error
            KText { anchors.centerIn: parent; text: "!"; color: Theme.error; font.pixelSize: Theme.display; font.bold: true; lineHeight: 1.0 }
        }
        KText {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: shell.errorTitle || "出了一点问题"
            font.pixelSize: Theme.title
            font.bold: true
        }
        KText {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: shell.errorMessage || "您填写的内容没有丢失。"
        }
        Panel {
            width: parent.width
            height: next.implicitHeight + 48
            color: Theme.surfaceAlt
            Column {
                id: next
                anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
                spacing: 10
                KText { width: parent.width; text: "您可以："; font.bold: true; font.pixelSize: Theme.button }
                KText { width: parent.width; text: shell.errorAction || "点“返回”再试一次，或点“求助”请工作人员帮忙。" }
                KText { width: parent.width; text: "政务服务热线：" + shell.hotline; font.bold: true; font.pixelSize: Theme.button }
            }
        }
        Grid {      // landscape: side by side, so both are on screen without scrolling
            id: actions
            width: parent.width
            columns: screen.landscape ? 2 : 1
            spacing: 24
            readonly property real cell: screen.landscape && shell.canGoBack ? (width - spacing) / 2 : width
            BigButton {
                width: actions.cell
                text: "返回上一步"
                hint: "回到刚才的界面再试"
                onClicked: shell.back()
                visible: shell.canGoBack
            }
            BigButton {
                width: actions.cell
                primary: false
                text: "求助"
                hint: "呼叫驿站工作人员"
                onClicked: shell.openHelp()
            }
        }
    }
}
