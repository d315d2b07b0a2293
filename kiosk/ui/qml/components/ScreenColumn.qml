// A screen's content column: centred when it fits, scrollable when it does not (large text,
// landscape), so nothing is ever cut off. A "向上滑动查看更多" cue shows while more lies below.
import QtQuick

Flickable {
    id: root
    default property alias content: column.data
    property int maxWidth: 960
    property alias spacing: column.spacing
    readonly property int columnWidth: column.width

    clip: true
    contentWidth: width
    contentHeight: Math.max(height, column.implicitHeight + 96)
    boundsBehavior: Flickable.StopAtBounds

    Column {
        id: column
        width: Math.min(root.width - 96, root.maxWidth)
        x: (root.width - width) / 2
        y: Math.max(48, (root.height - implicitHeight) / 2)
        spacing: 36
    }

    ScrollCue { flickable: root }
}
