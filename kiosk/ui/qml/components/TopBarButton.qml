// A top-bar action: words under a simple drawn symbol, white on the blue bar, 96 px tall.
import QtQuick

Rectangle {
    id: root
    property string text: ""
    property bool active: false
    signal clicked()

    width: Math.max(120, label.implicitWidth + 40)
    height: 96
    radius: 12
    color: area.pressed || active ? Theme.primaryPressed : Theme.primary
    border.width: active ? 3 : 2
    border.color: Theme.onPrimary

    Accessible.role: Accessible.Button
    Accessible.name: text

    KText {
        id: label
        anchors.centerIn: parent
        text: root.text
        color: Theme.onPrimary
        font.pixelSize: Theme.button
        font.bold: true
        lineHeight: 1.0
    }
    MouseArea {
        id: area
        anchors.fill: parent
        onClicked: root.clicked()
    }
}
