// "第 2 步，共 5 步" in words, with a bar of segments as a second cue.
import QtQuick

Column {
    id: root
    property int step: 1
    property int count: 1
    property string label: ""
    spacing: 10

    KText {
        width: root.width
        text: "第 " + root.step + " 步，共 " + root.count + " 步" + (root.label ? "：" + root.label : "")
        color: Theme.textMuted
    }
    Row {
        spacing: 8
        Repeater {
            model: root.count
            delegate: Rectangle {
                required property int index
                width: (root.width - (root.count - 1) * 8) / root.count
                height: 14
                radius: 7
                color: index < root.step ? Theme.primary : Theme.surface
                border.width: 2
                border.color: Theme.primary
            }
        }
    }
}
