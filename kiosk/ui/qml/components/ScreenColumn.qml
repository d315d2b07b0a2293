// A screen's content column: scrollable when it does not fit (large text, landscape), so nothing is
// ever cut off; then a "下面还有内容" band (ScrollCue) takes the bottom of the screen, below the
// list rather than over it. `centred` (static screens only) centres a column that fits; a screen
// whose content grows or shrinks (errors, reasons, statuses) stays top-aligned, because a centred
// column moves every button when its height changes.
import QtQuick

Item {
    id: root
    default property alias content: column.data
    property int maxWidth: 960
    property bool centred: false
    property alias spacing: column.spacing
    readonly property int columnWidth: column.width
    property alias contentY: flick.contentY
    readonly property alias contentHeight: flick.contentHeight
    readonly property alias contentItem: flick.contentItem
    readonly property alias viewHeight: flick.height
    readonly property alias dragging: flick.dragging
    // A list whose cards change as they are answered (the materials): its scrolled length never
    // shrinks while it shows, for a shorter list scrolled to its end jumps back under the finger.
    property bool neverShrink: false
    property real tallest: 0
    readonly property real contentLength: neverShrink ? Math.max(tallest, column.implicitHeight)
                                                      : column.implicitHeight
    // The band's room is kept as long as the list is long (never from where it is scrolled: the
    // list's height would then follow its own position); what it says follows what is really
    // there (`realEnd`), so blank room a never-shrinking list keeps is never "下面还有内容".
    readonly property real realEnd: column.y + column.implicitHeight + 48
    readonly property bool overflowing: contentLength + 96 > root.height

    Flickable {
        id: flick
        anchors { left: parent.left; right: parent.right; top: parent.top }
        height: root.height - (root.overflowing ? cue.height : 0)
        clip: true
        contentWidth: width
        contentHeight: Math.max(height, root.contentLength + 96)
        boundsBehavior: Flickable.StopAtBounds

        Column {
            id: column
            width: Math.min(root.width - 96, root.maxWidth)
            x: (root.width - width) / 2
            y: root.centred ? Math.max(48, (flick.height - implicitHeight) / 2) : 48
            spacing: 36
            onImplicitHeightChanged: if (root.neverShrink) root.tallest = Math.max(root.tallest, implicitHeight)
        }
    }

    ScrollCue {
        id: cue
        flickable: flick
        contentEnd: root.realEnd
        visible: root.overflowing
        anchors { left: parent.left; right: parent.right; bottom: parent.bottom }
    }
}
