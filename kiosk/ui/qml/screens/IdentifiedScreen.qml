// 身份已确认: greets the person by a masked name, then offers what to do.
import QtQuick
import "../components"

Item {
    id: screen
    ScreenColumn {
        centred: true           // nothing on it changes size
        anchors.fill: parent
        spacing: 40

        Rectangle {
            visible: screen.height > 1100      // in landscape the words alone say it
            width: 140; height: 140; radius: 70
            anchors.horizontalCenter: parent.horizontalCenter
            color: Theme.successSurface
            border.width: 6
            border.color: Theme.success
            KText { anchors.centerIn: parent; text: "✓"; color: Theme.success; font.pixelSize: Theme.display; font.bold: true; lineHeight: 1.0 }
        }
        KText {
            objectName: "greeting"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: "您好，" + shell.greetingName
            font.pixelSize: Theme.display
            font.bold: true
        }
        KText {
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: "身份已确认"
            color: Theme.success
            font.pixelSize: Theme.title
        }
        BigButton {
            objectName: "startButton"
            width: parent.width
            text: "开始办事"
            hint: "选择您要办理的事情"
            onClicked: shell.forward()
        }
        BigButton {
            width: parent.width
            primary: false
            text: "结束办理"
            hint: "清除本次信息，回到首页"
            onClicked: shell.home()
        }
    }
}
