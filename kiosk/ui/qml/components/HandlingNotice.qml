// 通办: who will handle an item (本站代收), or why this station cannot and where to go.
// The words come from kiosk.ui.viewmodels.handling (forms.handling decides); this only shows them.
import QtQuick

Rectangle {
    id: notice
    property string heading: ""
    property var lines: []          // [{sentence, here}]
    property bool warn: false       // something must be done elsewhere
    property string note: ""        // 办理须知: judged from the card only, checked again at 核对
    objectName: "handlingNotice"
    height: column.implicitHeight + 48
    radius: Theme.radius
    color: warn ? Theme.warningSurface : Theme.surface
    border.width: 3
    border.color: warn ? Theme.focus : Theme.border

    Column {
        id: column
        anchors { left: parent.left; right: parent.right; top: parent.top; margins: 24 }
        spacing: 12
        KText {
            objectName: "handlingHeading"
            width: parent.width
            text: (notice.warn ? "！ " : "") + notice.heading
            font.pixelSize: Theme.button
            font.bold: true
        }
        KText {
            objectName: "handlingNote"
            width: parent.width
            visible: notice.note !== ""
            text: notice.note
            color: Theme.textMuted
        }
        Repeater {
            model: notice.lines
            delegate: KText {
                required property var modelData
                required property int index
                objectName: "handlingLine_" + index
                width: column.width
                text: (modelData.here ? "✓ " : "→ ") + modelData.sentence
            }
        }
    }
}
