// 这样拍, large: the example photo a resident tapped, over the screen, until 关闭 (or a tap
// anywhere). Shown by Main.qml while guides.enlarged is set.
import QtQuick

Rectangle {
    id: root
    objectName: "exampleOverlay"
    color: Theme.scrim
    MouseArea { anchors.fill: parent; onClicked: guides.closeEnlarged() }

    Rectangle {
        anchors.centerIn: parent
        width: Math.min(parent.width - 96, 1100)
        height: Math.min(parent.height - 96, 1600)
        radius: Theme.radius
        color: Theme.surface
        border.width: 4
        border.color: Theme.primary

        KText {
            id: heading
            anchors { left: parent.left; right: parent.right; top: parent.top; margins: 32 }
            text: "这样拍：" + guides.enlargedName
            font.pixelSize: Theme.title
            font.bold: true
            maximumLineCount: 2
            elide: Text.ElideRight
        }
        KText {
            id: tips
            anchors { left: parent.left; right: parent.right; top: heading.bottom; margins: 32; topMargin: 8 }
            text: "平放、四个角都在画面里、字看得清、没有反光。图中的人和号码都是示例。"
            color: Theme.textMuted
        }
        Image {
            objectName: "enlargedPhoto"
            anchors { left: parent.left; right: parent.right; top: tips.bottom; bottom: closeButton.top; margins: 32 }
            fillMode: Image.PreserveAspectFit
            asynchronous: true
            source: guides.enlarged
        }
        BigButton {
            id: closeButton
            objectName: "closeExampleButton"
            anchors { left: parent.left; right: parent.right; bottom: parent.bottom; margins: 32 }
            text: "关闭"
            hint: "回到刚才的页面"
            onClicked: guides.closeEnlarged()
        }
    }
}
