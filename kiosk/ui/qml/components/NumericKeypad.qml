// The big number pad for ID and phone numbers: twelve keys of at least 100 px, with 'X' for the
// last character of an ID number, 删除 and 清空 spelled out.
import QtQuick

Grid {
    id: root
    property bool allowX: true
    signal key(string value)

    columns: 3
    spacing: 14
    property int keyWidth: Math.floor((width - 2 * spacing) / 3)

    Repeater {
        model: ["1", "2", "3", "4", "5", "6", "7", "8", "9",
                root.allowX ? "X" : "清空", "0", "删除"]
        delegate: Rectangle {
            required property string modelData
            width: root.keyWidth
            height: 104
            radius: 14
            color: keyArea.pressed ? Theme.surfaceAlt : Theme.surface
            border.width: 3
            border.color: Theme.border
            Accessible.role: Accessible.Button
            Accessible.name: modelData
            KText {
                anchors.centerIn: parent
                text: modelData
                font.pixelSize: modelData.length > 1 ? Theme.button : Theme.title
                font.bold: true
            lineHeight: 1.0
            }
            MouseArea {
                id: keyArea
                anchors.fill: parent
                onClicked: root.key(modelData === "删除" ? "back"
                                   : modelData === "清空" ? "clear" : modelData)
            }
        }
    }
}
