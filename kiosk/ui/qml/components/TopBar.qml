// 首页 / 返回 on the left, 大字 / 朗读 / 求助 on the right; the screen's title between them.
import QtQuick

Rectangle {
    id: bar
    height: 128
    color: Theme.primary

    Row {
        id: left
        anchors { left: parent.left; leftMargin: 20; verticalCenter: parent.verticalCenter }
        spacing: 16
        TopBarButton { objectName: "homeButton"; text: "首页"; visible: shell.showHome; onClicked: shell.askHome() }
        TopBarButton {
            objectName: "backButton"; text: "返回"
            visible: shell.showHome && shell.canGoBack; onClicked: shell.back()
        }
    }

    KText {
        anchors {
            left: left.right; right: right.left; leftMargin: 16; rightMargin: 16
            verticalCenter: parent.verticalCenter
        }
        objectName: "topBarTitle"
        text: shell.speaking ? shell.speakNote : shell.showHome ? shell.title : "政务服务自助终端"
        color: Theme.onPrimary
        font.pixelSize: Theme.body
        font.bold: true
        lineHeight: 1.0
        horizontalAlignment: Text.AlignHCenter
        elide: Text.ElideRight
        wrapMode: Text.NoWrap
    }

    Row {
        id: right
        anchors { right: parent.right; rightMargin: 20; verticalCenter: parent.verticalCenter }
        spacing: 16
        TopBarButton {
            objectName: "largeTextButton"
            text: Theme.large ? "标准字" : "大字"
            active: Theme.large
            onClicked: Theme.toggleLarge()
        }
        TopBarButton {      // 停止 while reading: the same width, so nothing beside it moves
            objectName: "speakButton"
            text: shell.speaking ? "停止" : "朗读"
            active: shell.speaking
            onClicked: shell.readAloud()
        }
        TopBarButton { objectName: "helpButton"; text: "求助"; onClicked: shell.openHelp() }
    }
}
