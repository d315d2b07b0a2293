// choice, relation and yes/no: big option buttons with words (and the option's hint); the chosen
// one is filled and marked ✓, so the difference never rests on colour alone.
import QtQuick
import "../components"

Grid {
    id: root
    columns: form.columns
    spacing: 20
    readonly property int cellWidth: Math.floor((width - (columns - 1) * spacing) / columns)

    Repeater {
        model: form.options
        delegate: BigButton {
            required property var modelData
            objectName: "option_" + modelData.value
            width: root.cellWidth
            primary: modelData.selected
            checkable: true
            checked: modelData.selected
            text: modelData.label
            hint: modelData.hint
            onClicked: form.choose(modelData.value)
        }
    }
}
