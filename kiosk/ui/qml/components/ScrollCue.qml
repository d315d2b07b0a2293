// The band under a list that is longer than the screen: "↓ 下面还有内容" while more lies below
// (an elderly resident does not guess that a screen scrolls), and a tap on it turns the page.
// It is laid out below the list, never over it: the pill it replaces floated over the content and
// hid a bundle's title, a material's note, the U 盘 message and 改为扫码.
import QtQuick

Rectangle {
    id: cue
    required property Flickable flickable
    // Where the content really ends. A list that never shrinks while it shows (ScreenColumn's
    // neverShrink) is longer than what is in it: blank room at its end is not "下面还有内容" (the
    // walk's w77/w80: the cue with the keyboard up, over nothing, and a tap only shifted the page).
    property real contentEnd: flickable.contentHeight
    readonly property real last: Math.max(0, Math.min(contentEnd, flickable.contentHeight) - flickable.height)
    // More below by at least a pixel (Flickable's own atYEnd can stay false a fraction of a pixel
    // short of the end, and a tap that should turn back to the top then did nothing).
    readonly property bool more: flickable.contentY < last - 1
    // At the top of a list whose real content all shows: nothing to say, nothing to tap (the
    // band keeps its room, so the list above it does not change size).
    readonly property bool idle: !more && flickable.contentY <= 1

    height: Math.max(Theme.minTouch + 8, Math.ceil(labelMetrics.height) + 24)   // the same, said or idle
    color: idle ? Theme.background : Theme.surfaceAlt
    Accessible.role: Accessible.Button
    Accessible.name: label.text

    FontMetrics { id: labelMetrics; font: label.font }
    Rectangle { visible: !cue.idle; width: parent.width; height: 2; color: Theme.border }
    KText {
        id: label
        anchors.centerIn: parent
        text: cue.more ? "↓ 下面还有内容：向上滑动，或点这里" : cue.idle ? "" : "↑ 已到最下面：点这里回到上面"
        color: Theme.text
        font.bold: true
        lineHeight: 1.0
    }
    MouseArea {
        objectName: "scrollCue"
        anchors.fill: parent
        enabled: !cue.idle
        onClicked: {
            const f = cue.flickable
            f.contentY = cue.more ? Math.min(cue.last, f.contentY + f.height * 0.8) : 0
        }
    }
}
