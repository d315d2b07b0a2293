// The big number pad for the form: like components/NumericKeypad, but its bottom-left key is
// chosen by the kind of number: 'X' (ID numbers), '.' (money) or 清空 (phone, digits).
import QtQuick
import "../components"

Grid {
    id: root
    property string kind: "digits"      // id | decimal | phone | digits
    readonly property string leftKey: kind === "id" ? "X" : kind === "decimal" ? "." : "清空"
    signal key(string value)

    columns: 3
    spacing: 14
    property int keyWidth: Math.floor((width - 2 * spacing) / 3)

    Repeater {
        model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", root.leftKey, "0", "删除"]
        delegate: Rectangle {
            required property string modelData
            readonly property string code: modelData === "删除" ? "back" : modelData === "清空" ? "clear"
                                         : modelData === "." ? "dot" : modelData
            objectName: "key_" + code
            width: root.keyWidth
            height: 104
            radius: 14
            color: keyArea.pressed ? Theme.surfaceAlt : Theme.surface
            border.width: 3
            border.color: Theme.border
            Accessible.role: Accessible.Button
            Accessible.name: modelData === "." ? "小数点" : modelData
            KText {
                anchors.centerIn: parent
                text: modelData === "." ? "．小数点" : modelData
                font.pixelSize: modelData.length > 1 ? Theme.button : Theme.title
                font.bold: true
                lineHeight: 1.0
            }
            MouseArea {
                id: keyArea
                anchors.fill: parent
                onClicked: root.key(parent.code === "back" || parent.code === "clear" ? parent.code : modelData)
            }
        }
    }
}
