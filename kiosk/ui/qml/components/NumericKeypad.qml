// The one big number pad (ID numbers, phone numbers, amounts, staff numbers, PINs): twelve keys
// of 104 px, the key left of 0 chosen by `kind` (X for ID numbers, a decimal point for money, "-"
// for 区号-号码), and 清空 under them when that key is taken. What each key does is
// kiosk/ui/viewmodels/keypad.py's rule; this only shows the keys and says which was pressed.
import QtQuick

Flow {
    id: root
    property string kind: "digits"         // id | digits | decimal | phone | pin | staff
    readonly property string extraKey: kind === "id" ? "X" : kind === "decimal" ? "." : kind === "phone" ? "-" : ""
    signal key(string value)

    spacing: 14
    property int keyWidth: Math.floor((width - 2 * spacing) / 3)

    Repeater {
        model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", root.extraKey !== "" ? root.extraKey : "清空",
                "0", "删除"].concat(root.extraKey !== "" ? ["清空"] : [])
        delegate: Rectangle {
            required property string modelData
            required property int index
            readonly property string code: modelData === "删除" ? "back" : modelData === "清空" ? "clear"
                                         : modelData === "." ? "dot" : modelData === "-" ? "dash" : modelData
            objectName: "key_" + code
            width: index === 12 ? root.width : root.keyWidth      // 清空 on a row of its own
            height: 104
            radius: 14
            color: keyArea.pressed ? Theme.surfaceAlt : Theme.surface
            border.width: 3
            border.color: Theme.border
            Accessible.role: Accessible.Button
            Accessible.name: modelData === "." ? "小数点" : modelData === "-" ? "横杠，区号后面用" : modelData
            // The dash as a short "-" with its name in words beside it: "－横线" read as "一横线"
            // (the walk's w23), a full-width minus being the very shape of 一.
            Row {
                anchors.centerIn: parent
                spacing: 12
                KText {
                    anchors.verticalCenter: parent.verticalCenter
                    text: modelData === "." ? "．小数点" : modelData
                    font.pixelSize: modelData.length > 1 ? Theme.button : Theme.title
                    font.bold: true
                    lineHeight: 1.0
                }
                KText {
                    anchors.verticalCenter: parent.verticalCenter
                    visible: modelData === "-"
                    text: "横杠"
                    font.pixelSize: Theme.body
                    font.bold: true
                    lineHeight: 1.0
                }
            }
            MouseArea {
                id: keyArea
                anchors.fill: parent
                onClicked: root.key(parent.code === "back" || parent.code === "clear" ? parent.code : modelData)
            }
        }
    }
}
