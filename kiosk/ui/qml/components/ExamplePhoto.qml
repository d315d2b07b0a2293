// 样例 (这样拍): a small example photo of a paper (kiosk/ui/viewmodels/guides.py draws it once per
// station); a tap shows it large. Its size is fixed whether or not the photo is there yet, so its
// arrival moves nothing under a finger.
import QtQuick

Rectangle {
    id: root
    property string source: ""
    property string name: ""
    property bool pending: true         // still being drawn (else: this paper has no example)
    readonly property bool ready: source !== ""
    // A paper with no example (the agent's 委托书): the box keeps its room but shows nothing.
    visible: ready || pending
    width: 180
    height: 200
    radius: 12
    color: Theme.surfaceAlt
    border.width: 2
    border.color: Theme.border
    Accessible.role: Accessible.Button
    Accessible.name: "样例：" + name
    Accessible.description: "点击放大"

    Image {
        anchors { left: parent.left; right: parent.right; top: parent.top; bottom: caption.top; margins: 8 }
        fillMode: Image.PreserveAspectFit
        asynchronous: true
        sourceSize.width: 400
        source: root.source
    }
    KText {
        id: caption
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom; bottomMargin: 6 }
        horizontalAlignment: Text.AlignHCenter
        text: root.ready ? "点击放大" : root.pending ? "样例准备中" : ""
        font.pixelSize: Theme.small
        lineHeight: 1.0
        wrapMode: Text.NoWrap
        elide: Text.ElideRight
        color: Theme.text
    }
    MouseArea {
        objectName: "examplePhoto"
        anchors.fill: parent
        enabled: root.ready
        onClicked: guides.enlarge(root.source, root.name)
    }
}
