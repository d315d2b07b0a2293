// A date with three rows of big − / + buttons (year, month, day), never a tiny calendar.
import QtQuick
import "../components"

Column {
    id: root
    spacing: 20

    KText {
        objectName: "dateValue"
        width: parent.width
        horizontalAlignment: Text.AlignHCenter
        text: form.year + " 年 " + form.month + " 月 " + form.day + " 日"
        font.pixelSize: Theme.display
        font.bold: true
    }

    Repeater {
        model: [
            { part: "year", unit: "年", steps: [-10, -1, 1, 10] },
            { part: "month", unit: "月", steps: [-1, 1] },
            { part: "day", unit: "日", steps: [-1, 1] }
        ]
        delegate: Row {
            id: row
            required property var modelData
            width: root.width
            spacing: 12
            readonly property int buttons: modelData.steps.length
            readonly property int buttonWidth: (width - labelBox.width - buttons * spacing) / buttons

            Repeater {
                model: row.modelData.steps.filter(s => s < 0)
                delegate: BigButton {
                    required property int modelData
                    objectName: row.modelData.part + (modelData < 0 ? "Minus" : "Plus") + Math.abs(modelData)
                    width: row.buttonWidth
                    primary: false
                    text: "− " + Math.abs(modelData)
                    onClicked: form.stepDate(row.modelData.part, modelData)
                }
            }
            Rectangle {
                id: labelBox
                width: Theme.large ? 250 : 210
                height: Theme.buttonHeight
                radius: Theme.radius
                color: Theme.surface
                border.width: 3
                border.color: Theme.border
                KText {
                    anchors.centerIn: parent
                    text: (row.modelData.part === "year" ? form.year : row.modelData.part === "month"
                           ? form.month : form.day) + " " + row.modelData.unit
                    font.pixelSize: Theme.button
                    font.bold: true
                    lineHeight: 1.0
                }
            }
            Repeater {
                model: row.modelData.steps.filter(s => s > 0)
                delegate: BigButton {
                    required property int modelData
                    objectName: row.modelData.part + "Plus" + modelData
                    width: row.buttonWidth
                    primary: false
                    text: "+ " + modelData
                    onClicked: form.stepDate(row.modelData.part, modelData)
                }
            }
        }
    }
}
