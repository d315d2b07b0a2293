// multi_choice: the same big buttons, each pressed on or off; the words say which are chosen.
import QtQuick
import "../components"

Column {
    id: root
    spacing: 16
    KText {
        width: parent.width
        text: "可以选多项，再点一次取消"
        color: Theme.textMuted
    }
    Grid {
        id: grid
        width: parent.width
        columns: form.columns
        spacing: 20
        readonly property int cellWidth: Math.floor((width - (columns - 1) * spacing) / columns)
        Repeater {
            model: form.options
            delegate: BigButton {
                required property var modelData
                objectName: "option_" + modelData.value
                width: grid.cellWidth
                primary: modelData.selected
                checkable: true
                checked: modelData.selected
                text: modelData.label
                hint: modelData.hint
                onClicked: form.toggle(modelData.value)
            }
        }
    }
}
